// The BFF's playground: GraphiQL, served and configured by the BFF itself.
//
// Everything comes from the BFF's origin (the page's CSP allows nothing
// else): this bundle, its styles and workers, and the configuration at
// config.json (endpoint, prefilled headers, the contract operations as tabs,
// and a revision that changes when any of them does, e.g. when a demo
// restarts with a new token).
import './nonce.js';
import './workers.js';
import 'graphiql/style.css';
import './page.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';

// GraphiQL's storage keys (prefixed "graphiql:") that hold the editors'
// contents; the query history and UI preferences are kept.
const editorKeys = ['tabState', 'query', 'variables', 'headers', 'operationName'];
const revisionKey = 'teacher-bff:playground-revision';

// forgetStaleEditors drops the saved tabs and headers when the server's
// configuration changed since they were saved, so a restarted demo's new
// token (and the current operations) replace the old ones.
function forgetStaleEditors(revision) {
  try {
    if (localStorage.getItem(revisionKey) === revision) return;
    for (const key of editorKeys) localStorage.removeItem(`graphiql:${key}`);
    localStorage.setItem(revisionKey, revision);
  } catch {
    // Storage disabled: GraphiQL starts from the defaults anyway.
  }
}

async function main() {
  const root = document.getElementById('graphiql');
  const configURL = new URL('config.json', document.querySelector('script[src$="playground.js"]').src);
  const res = await fetch(configURL, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${configURL}: ${res.status} ${res.statusText}`);
  const config = await res.json();

  forgetStaleEditors(config.revision);
  const endpoint = new URL(config.endpoint, location.href);
  const ws = new URL(endpoint);
  ws.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  const headers = JSON.stringify(config.headers ?? {}, null, 2);

  const fetcher = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl: ws.href });
  createRoot(root).render(
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={config.tabs.map((t) => ({ query: t.query, variables: t.variables, headers }))}
      defaultHeaders={headers}
      defaultEditorToolsVisibility={config.tabs.length > 0 ? 'variables' : undefined}
      isHeadersEditorEnabled
      shouldPersistHeaders
    />,
  );
}

main().catch((err) => {
  const root = document.getElementById('graphiql');
  root.textContent = `The playground could not start: ${err.message}`;
  console.error(err);
});
