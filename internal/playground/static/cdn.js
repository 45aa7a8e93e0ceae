// The CDN page's script, served by the BFF when the offline build is absent.
// React, ReactDOM and GraphiQL 4 (its last build with browser globals) come
// from jsDelivr, pinned and checked by Subresource Integrity in the page;
// this module runs after them (module scripts run after the parser-inserted
// deferred scripts before them, in order) and opens GraphiQL on the
// configuration, as the offline build does.
import './nonce.js';
import { start } from './setup.js';

// GraphiQL 4 takes the editors' opening contents as query, variables and
// headers (setup.js, openingEditors, says why they are set).
start(new URL('config.json', import.meta.url), (root, { fetcher, props, editors }) => {
  const { GraphiQL, React, ReactDOM } = globalThis;
  if (!GraphiQL || !React || !ReactDOM) {
    throw new Error('GraphiQL did not load from cdn.jsdelivr.net. This page needs the internet; '
      + 'a BFF built with the offline playground (see the README) does not.');
  }
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher(fetcher),
    ...props,
    query: editors.query,
    variables: editors.variables,
    headers: editors.headers,
  }));
});
