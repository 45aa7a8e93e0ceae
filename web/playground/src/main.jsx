// The BFF's playground: GraphiQL, served and configured by the BFF itself.
//
// Everything comes from the BFF's origin (the page's CSP allows nothing
// else): this bundle, its styles and workers, and the configuration at
// config.json, read by the setup both playground pages share
// (internal/playground/static/setup.js).
import '../../../internal/playground/static/nonce.js';
import './workers.js';
import 'graphiql/style.css';
import './page.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import { start } from '../../../internal/playground/static/setup.js';

// GraphiQL 5 takes the editors' opening contents as initialQuery,
// initialVariables and initialHeaders (setup.js, openingEditors, says why
// they are set).
start(new URL('config.json', import.meta.url), (root, { fetcher, props, editors }) => {
  createRoot(root).render(
    <GraphiQL
      fetcher={createGraphiQLFetcher(fetcher)}
      {...props}
      initialQuery={editors.query}
      initialVariables={editors.variables}
      initialHeaders={editors.headers}
    />,
  );
});
