// GraphQL Code Generator configuration: the TypeScript types of the
// contract operations (testdata/operations), checked against schema.graphqls.
// Run with `npm run codegen` in this folder; the output in generated/ is
// committed and CI (.ci/frontend-kit) fails when it is out of date.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema.graphqls',
  documents: ['../../testdata/operations/*.graphql'],
  // A wrong documents path fails the run instead of generating nothing; an
  // operation that does not validate against the schema fails it too.
  ignoreNoDocuments: false,
  generates: {
    './generated/': {
      preset: 'client',
      config: {
        // Every custom scalar of the schema must be mapped here; an unmapped
        // one fails the run instead of becoming `any`/`unknown`.
        strictScalars: true,
        scalars: {
          // RFC 3339 with a zone, as the schema documents it; kept a string
          // so no date library is imposed on the app.
          DateTime: 'string',
        },
        // Enums as unions of string literals (`'PROCESSING' | 'READY' | ...`),
        // no runtime enum objects. Client preset 6 names this `enumType`;
        // older presets call it `enumsAsTypes: true`.
        enumType: 'string-literal',
        // `import type` for type-only imports (verbatimModuleSyntax, isolated modules).
        useTypeImports: true,
      },
    },
  },
};

export default config;
