// What both playground pages do with the BFF's configuration: the offline
// build (web/playground/src/main.jsx bundles this module) and the CDN page
// served when that build is absent (cdn.js, beside this file).
//
// The configuration comes from config.json, never from the page itself:
// endpoint, prefilled headers (the demo's token), the contract operations as
// tabs, and a revision that changes when any of them does (a demo restarted
// with a new token).

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

// graphiqlSetup turns the configuration into the options of GraphiQL's
// fetcher (createGraphiQLFetcher) and GraphiQL's props: queries over HTTP
// POST to the endpoint, subscriptions over graphql-transport-ws on the same
// URL, and the operations open as tabs with the headers filled in.
export function graphiqlSetup(config, pageURL) {
  const endpoint = new URL(config.endpoint, pageURL);
  const ws = new URL(endpoint);
  ws.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  const headers = JSON.stringify(config.headers ?? {}, null, 2);
  return {
    fetcher: { url: endpoint.href, subscriptionUrl: ws.href },
    props: {
      defaultTabs: config.tabs.map((t) => ({ query: t.query, variables: t.variables, headers })),
      defaultHeaders: headers,
      defaultEditorToolsVisibility: config.tabs.length > 0 ? 'variables' : undefined,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    },
  };
}

// start fetches the configuration at configURL, drops stale editors and
// calls render(root, graphiqlSetup(…)) with the page's #graphiql element; if
// any step fails, the element says why instead of staying blank.
export async function start(configURL, render) {
  const root = document.getElementById('graphiql');
  try {
    const res = await fetch(configURL, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${configURL}: ${res.status} ${res.statusText}`);
    const config = await res.json();
    forgetStaleEditors(config.revision);
    render(root, graphiqlSetup(config, location.href));
  } catch (err) {
    root.textContent = `The playground could not start: ${err.message}`;
    console.error(err);
  }
}
