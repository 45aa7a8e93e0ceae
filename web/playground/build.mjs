// Bundles the playground (GraphiQL, React, graphql-ws, Monaco's workers)
// into ../../internal/playground/dist, which the Go binary embeds.
//
//   npm ci && npm run build
//
// The output has fixed names (the Go side serves them with ETags):
//   playground.js, playground.css  the page's module script and styles
//   *.worker.js                    Monaco's web workers (classic scripts)
//   codicon-*.ttf                  the editor's icon font
import { build } from 'esbuild';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const outdir = fileURLToPath(new URL('../../internal/playground/dist/', import.meta.url));

// Empty the output but keep .gitkeep (go:embed needs the directory).
await mkdir(outdir, { recursive: true });
for (const name of await readdir(outdir)) {
  if (name !== '.gitkeep') await rm(outdir + name, { recursive: true });
}

const common = {
  bundle: true,
  minify: true,
  legalComments: 'linked',
  target: ['es2020'],
  outdir,
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

// Monaco runs its language services in web workers; GraphiQL's
// setup-workers modules only cover Vite, webpack and esm.sh, so the page
// names these bundles itself (src/workers.js).
await build({
  ...common,
  format: 'iife',
  entryPoints: {
    'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
    'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
    'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
  },
});

await build({
  ...common,
  format: 'esm',
  entryPoints: { playground: 'src/main.jsx' },
  jsx: 'automatic',
  loader: { '.ttf': 'file' },
  assetNames: '[name]-[hash]',
});
