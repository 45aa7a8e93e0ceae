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
const tabStateKey = 'graphiql:tabState';
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

// isTabState tells whether a tab read from storage has the shape GraphiQL
// accepts (isTabState in @graphiql/react's tabs, the same in GraphiQL 4 and
// 5): id and title strings; query, variables, headers, operationName and
// response strings or null.
function isTabState(tab) {
  const stringOrNull = (v) => typeof v === 'string' || v === null;
  return tab !== null && typeof tab === 'object' && !Array.isArray(tab)
    && typeof tab.id === 'string' && typeof tab.title === 'string'
    && ['query', 'variables', 'headers', 'operationName', 'response'].every((k) => k in tab && stringOrNull(tab[k]));
}

// openingEditors returns what the query, variables and headers editors
// must show when GraphiQL opens: the contents of the tab it opens on.
// savedTabState is GraphiQL's saved tab state (the JSON string under
// graphiql:tabState), or null.
//
// GraphiQL does not fill the editors from that tab (getDefaultTabState and
// the editor store of @graphiql/react, GraphiQL 4 and 5 alike): it fills
// them from its initial-value props, else from the editors' last contents
// it saved (only once they were edited or the tab switched), else the
// query from the first tab if that one opens, and the variables empty. So
// on a first visit the first tab's variables were missing, and running it
// sent none (graphql/graphiql#3392); after a reload before any edit, the
// same, and GraphiQL 4 also added a tab for the editors, which matched no
// saved tab. Given these contents as initial values, GraphiQL finds the
// saved tab with the same contents and opens it, or, with nothing saved,
// opens the first of the default tabs: the editors and the tab agree.
//
// The tab is the active one of a saved state that GraphiQL accepts (its
// isTabsState; the index clamped to the tabs as GraphiQL 5 does), else the
// first of defaultTabs; with neither, nothing is set and GraphiQL keeps its
// own defaults. Null contents become empty: GraphiQL compares tabs by their
// contents with null and "" alike.
export function openingEditors(defaultTabs, savedTabState) {
  let tab = defaultTabs[0];
  try {
    const saved = JSON.parse(savedTabState);
    if (saved !== null && typeof saved === 'object' && typeof saved.activeTabIndex === 'number'
      && Array.isArray(saved.tabs) && saved.tabs.length > 0 && saved.tabs.every(isTabState)) {
      const i = Math.min(Math.max(Math.trunc(saved.activeTabIndex), 0), saved.tabs.length - 1);
      tab = saved.tabs[i];
    }
  } catch {
    // Nothing saved, or not JSON: GraphiQL starts from the default tabs.
  }
  if (!tab) return {};
  return { query: tab.query ?? '', variables: tab.variables ?? '', headers: tab.headers ?? '' };
}

// graphiqlSetup turns the configuration into the options of GraphiQL's
// fetcher (createGraphiQLFetcher) and GraphiQL's props: queries over HTTP
// POST to the endpoint, subscriptions over graphql-transport-ws on the same
// URL, and the operations open as tabs with the headers filled in. editors
// are the contents the editors open with (openingEditors, given the tab
// state GraphiQL saved, or null); each page passes them by its GraphiQL's
// names (GraphiQL 5: initialQuery, initialVariables, initialHeaders;
// GraphiQL 4: query, variables, headers).
export function graphiqlSetup(config, pageURL, savedTabState = null) {
  const endpoint = new URL(config.endpoint, pageURL);
  const ws = new URL(endpoint);
  ws.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  const headers = JSON.stringify(config.headers ?? {}, null, 2);
  const defaultTabs = config.tabs.map((t) => ({ query: t.query, variables: t.variables, headers }));
  return {
    fetcher: { url: endpoint.href, subscriptionUrl: ws.href },
    props: {
      defaultTabs,
      defaultHeaders: headers,
      defaultEditorToolsVisibility: config.tabs.length > 0 ? 'variables' : undefined,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    },
    editors: openingEditors(defaultTabs, savedTabState),
  };
}

// savedTabState returns the tab state GraphiQL saved, or null.
function savedTabState() {
  try {
    return localStorage.getItem(tabStateKey);
  } catch {
    return null; // Storage disabled: GraphiQL saves nothing either.
  }
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
    render(root, graphiqlSetup(config, location.href, savedTabState()));
  } catch (err) {
    root.textContent = `The playground could not start: ${err.message}`;
    console.error(err);
  }
}
