// The real-client conformance suite: the contract operations through the
// GraphQL clients the frontend uses, each with its default settings, against
// running BFFs. internal/app's TestRealClients starts the BFFs, writes the
// configuration and reads the results; by hand:
//
//   node suite.mjs config.json
//
// config.json (see internal/clientsuite.Config):
//   { "http": "http://127.0.0.1:4101/graphql", "ws": "ws://…/graphql",
//     "token": "<bearer token>",
//     "operations": { "<name>": { "document": "…", "variables": {…}, "data": {…} } },
//     "subscription": { "document": "…", "variables": {…}, "event": {…} },
//     "defer": { "document": "…", "data": {…}, "deferred": "<field under viewer>",
//                "answer": { "contentType": "multipart/mixed; …", "body": "<the BFF's answer>" } },
//     "persisted": { "apollo": { "http": "…", "manifest": "<path>" },
//                    "urql": { "http": "…" } } }
//
// Every client runs the queries and compares the data it returns (without
// the __typename fields clients add) with "data"; subscriptions compare the
// first event's fields with "event". After a client's last result the
// process is watched for a second for uncaught exceptions and unhandled
// rejections (a client that fails after delivering data still fails). The
// results are printed as one JSON array on stdout: [{client, check, ok,
// error}]; the exit status is 1 when any check failed.
import fs from 'node:fs';
import net from 'node:net';
import { isDeepStrictEqual, inspect } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { ApolloClient, InMemoryCache, HttpLink, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { createClient as createWSClient } from 'graphql-ws';
import { createClient as createSSEClient } from 'graphql-sse';
import WebSocket from 'ws';

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const auth = { Authorization: `Bearer ${cfg.token}` };
const queries = Object.entries(cfg.operations);
const results = [];

// The client running now, to which an uncaught error is charged.
let current = '';
const uncaught = [];
process.on('uncaughtException', (e) => uncaught.push({ client: current, error: describe(e) }));
process.on('unhandledRejection', (e) => uncaught.push({ client: current, error: describe(e) }));

function describe(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.cause ? ` (cause: ${describe(e.cause)})` : ''}`;
  return inspect(e, { depth: 4 });
}

function record(client, check, ok, error = '') {
  results.push({ client, check, ok, error });
}

// withoutTypename drops the __typename fields Apollo Client and urql add to
// every selection set.
function withoutTypename(v) {
  if (Array.isArray(v)) return v.map(withoutTypename);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '__typename').map(([k, x]) => [k, withoutTypename(x)]));
  }
  return v;
}

// expectData records whether a result carries exactly the expected data.
function expectData(client, check, result, want) {
  if (result?.errors?.length || result?.error) {
    record(client, check, false, describe(result.error ?? result.errors));
    return;
  }
  const got = withoutTypename(result?.data);
  if (isDeepStrictEqual(got, want)) {
    record(client, check, true);
  } else {
    record(client, check, false, `data differs:\n got ${JSON.stringify(got)}\nwant ${JSON.stringify(want)}`);
  }
}

// expectEvent records whether a subscription event carries the expected
// fields (the batch's new state).
function expectEvent(client, check, result, want) {
  if (result?.errors?.length) {
    record(client, check, false, describe(result.errors));
    return;
  }
  const got = withoutTypename(result?.data?.batchStatusChanged);
  const differs = Object.keys(want).filter((k) => !isDeepStrictEqual(got?.[k], want[k]));
  if (differs.length === 0) {
    record(client, check, true);
  } else {
    record(client, check, false, `fields ${differs.join(', ')} differ:\n got ${JSON.stringify(got)}\nwant ${JSON.stringify(want)}`);
  }
}

// run runs one client's checks, then watches the process for a second.
async function run(client, fn) {
  current = client;
  try {
    await fn();
  } catch (e) {
    record(client, 'runs', false, describe(e));
  }
  await sleep(1000);
  const mine = uncaught.filter((u) => u.client === client).map((u) => u.error);
  record(client, 'no uncaught error for a second after the last result', mine.length === 0, mine.join('\n'));
}

// recordingFetch is fetch that remembers what each request sent: the
// method, the Accept header and the GraphQL parameters.
function recordingFetch(calls) {
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input.url);
    const headers = new Headers(init.headers);
    let params = {};
    if (init.method === 'GET' || !init.body) {
      params = Object.fromEntries(url.searchParams);
      if (params.extensions) params.extensions = JSON.parse(params.extensions);
    } else {
      params = JSON.parse(init.body);
    }
    const call = { method: init.method ?? 'GET', accept: headers.get('accept'), params };
    calls.push(call);
    const res = await fetch(input, init);
    call.contentType = res.headers.get('content-type');
    return res;
  };
}

function expectMethod(client, calls, method) {
  const other = calls.filter((c) => c.method !== method);
  record(client, `sends queries with ${method}`, calls.length > 0 && other.length === 0,
    calls.length === 0 ? 'no request seen' : `methods: ${calls.map((c) => c.method).join(', ')}`);
}

// expectHashOnly: every request named its document by hash and sent no
// text, so the manifest's id was found at once.
function expectHashOnly(client, calls) {
  const bad = calls.filter((c) => c.params.query || !c.params.extensions?.persistedQuery?.sha256Hash);
  record(client, 'sends hashes only', calls.length > 0 && bad.length === 0,
    calls.length === 0 ? 'no request seen' : JSON.stringify(bad.map((c) => c.params)));
}

async function urqlQueries(client, url, options) {
  const calls = [];
  const urql = new Client({ url, fetch: recordingFetch(calls), fetchOptions: { headers: auth }, ...options });
  for (const [name, op] of queries) {
    expectData(client, name, await urql.query(op.document, op.variables ?? {}).toPromise(), op.data);
  }
  return calls;
}

async function apolloQueries(client, link) {
  const apollo = new ApolloClient({ cache: new InMemoryCache(), link });
  for (const [name, op] of queries) {
    expectData(client, name, await apollo.query({ query: gql(op.document), variables: op.variables }), op.data);
  }
  apollo.stop();
}

// first returns the first result of a graphql-ws or graphql-sse
// subscription and completes it.
async function first(sub) {
  const it = sub.iterate({ query: cfg.subscription.document, variables: cfg.subscription.variables });
  const { value } = await it.next();
  await it.return();
  return value;
}

async function oneResult(c, op) {
  const it = c.iterate({ query: op.document, variables: op.variables });
  const { value } = await it.next();
  await it.return();
  return value;
}

// urql with its defaults: GET for queries within the URL limit, its Accept
// header listing the event stream and multipart/mixed after JSON.
await run('urql (GET, default)', async () => {
  const calls = await urqlQueries('urql (GET, default)', cfg.http, { exchanges: [cacheExchange, fetchExchange] });
  expectMethod('urql (GET, default)', calls, 'GET');
});

await run('urql (POST)', async () => {
  const calls = await urqlQueries('urql (POST)', cfg.http, { exchanges: [cacheExchange, fetchExchange], preferGetMethod: false });
  expectMethod('urql (POST)', calls, 'POST');
});

await run('Apollo Client', async () => {
  await apolloQueries('Apollo Client', new HttpLink({ uri: cfg.http, headers: auth }));
});

await run('graphql-ws', async () => {
  const c = createWSClient({ url: cfg.ws, webSocketImpl: WebSocket, connectionParams: auth });
  try {
    for (const [name, op] of queries) expectData('graphql-ws', name, await oneResult(c, op), op.data);
    expectEvent('graphql-ws', 'BatchUpdates', await first(c), cfg.subscription.event);
  } finally {
    await c.dispose();
  }
});

await run('graphql-sse', async () => {
  const c = createSSEClient({ url: cfg.http, headers: auth });
  try {
    for (const [name, op] of queries) expectData('graphql-sse', name, await oneResult(c, op), op.data);
    expectEvent('graphql-sse', 'BatchUpdates', await first(c), cfg.subscription.event);
  } finally {
    c.dispose();
  }
});

// expectMultipart: the answer came as incremental delivery.
function expectMultipart(client, calls) {
  const types = calls.map((c) => c.contentType);
  record(client, 'gets multipart/mixed', types.length > 0 && types.every((t) => t?.startsWith('multipart/mixed')),
    `answers: ${types.join(', ')}`);
}

// expectDeferredAbsent: before its payload arrives, a deferred field is
// not in the data (the initial result omits the fields of deferred
// fragments, DeferStream RFC), rather than null, which a client would show
// as "no value". cfg.defer.deferred names the deferred field under viewer.
function expectDeferredAbsent(client, interim) {
  const field = cfg.defer.deferred;
  const early = interim.filter((d) => d?.viewer && field in d.viewer);
  record(client, 'deferred field absent until delivered', interim.length > 0 && early.length === 0,
    interim.length === 0 ? 'no result before the final one: nothing was deferred'
      : `${early.length} of ${interim.length} earlier results hold viewer.${field}: ${JSON.stringify(early.map((d) => d.viewer[field]))}`);
}

// within rejects when promise takes longer than ms.
function within(ms, promise, what) {
  return Promise.race([promise, sleep(ms).then(() => { throw new Error(`${what}: no result within ${ms} ms`); })]);
}

// @defer, served as incremental delivery over multipart/mixed: Apollo
// Client with the handler of that format (Apollo Client 4 needs it named),
// urql with its defaults.
if (cfg.defer) {
  await run('Apollo Client @defer', async () => {
    const calls = [];
    const apollo = new ApolloClient({
      cache: new InMemoryCache(),
      link: new HttpLink({ uri: cfg.http, headers: auth, fetch: recordingFetch(calls) }),
      incrementalHandler: new Defer20220824Handler(),
    });
    const seen = await within(10000, new Promise((resolve, reject) => {
      const results = [];
      const sub = apollo.watchQuery({ query: gql(cfg.defer.document) }).subscribe({
        next: (r) => {
          results.push(r);
          if (!r.loading) {
            sub.unsubscribe();
            resolve(results);
          }
        },
        error: reject,
      });
    }), 'watchQuery');
    expectData('Apollo Client @defer', 'deferred query', seen.at(-1), cfg.defer.data);
    expectMultipart('Apollo Client @defer', calls);
    expectDeferredAbsent('Apollo Client @defer', seen.slice(0, -1).map((r) => r.data).filter(Boolean));
    apollo.stop();
  });

  await run('urql @defer', async () => {
    const calls = [];
    const urql = new Client({ url: cfg.http, exchanges: [cacheExchange, fetchExchange], fetch: recordingFetch(calls), fetchOptions: { headers: auth } });
    const seen = await within(10000, new Promise((resolve) => {
      const results = [];
      const { unsubscribe } = urql.query(cfg.defer.document, {}, { requestPolicy: 'network-only' }).subscribe((r) => {
        results.push(r);
        if (!r.hasNext) {
          setTimeout(() => unsubscribe());
          resolve(results);
        }
      });
    }), 'query');
    expectDeferredAbsent('urql @defer', seen.slice(0, -1).map((r) => r.data).filter(Boolean));
    // The usual way: the promise of the final result.
    const final = await within(10000, urql.query(cfg.defer.document, {}, { requestPolicy: 'network-only' }).toPromise(), 'query');
    expectData('urql @defer', 'deferred query', final, cfg.defer.data);
    expectMultipart('urql @defer', calls);
  });

  // The BFF's own answer, from a loopback server that sends the status
  // line, the headers and the whole chunked body in one write: what a
  // client reads at once when the deferred fragment is ready as soon as the
  // initial payload. Node's fetch then ends the body before it listens for
  // aborts, and urql's abort after its last result fails the finished body
  // (clientKnownFailures in internal/app/clients_test.go says how).
  await run('urql @defer (one read)', async () => {
    const { contentType, body } = cfg.defer.answer;
    const head = `HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const whole = `${head}${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const server = net.createServer((sock) => {
      let request = '';
      sock.on('data', (b) => {
        request += b;
        if (request.includes('\r\n\r\n')) {
          request = '';
          sock.write(whole);
        }
      });
      sock.on('error', () => {});
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const urql = new Client({ url: `http://127.0.0.1:${server.address().port}/graphql`, exchanges: [cacheExchange, fetchExchange] });
      const final = await within(10000, urql.query(cfg.defer.document, {}, { requestPolicy: 'network-only' }).toPromise(), 'query');
      expectData('urql @defer (one read)', 'deferred query', final, cfg.defer.data);
    } finally {
      server.close();
      server.unref();
    }
  });
}

// Apollo Client's persisted-queries link with ids from a manifest written
// by @apollo/generate-persisted-query-manifest, as Apollo documents it.
await run('Apollo Client persisted queries', async () => {
  const { http, manifest } = cfg.persisted.apollo;
  const calls = [];
  const ids = generatePersistedQueryIdsFromManifest({ loadManifest: () => JSON.parse(fs.readFileSync(manifest, 'utf8')) });
  const link = new PersistedQueryLink(ids).concat(new HttpLink({ uri: http, headers: auth, fetch: recordingFetch(calls) }));
  await apolloQueries('Apollo Client persisted queries', link);
  expectHashOnly('Apollo Client persisted queries', calls);
});

// urql's persistedExchange with its defaults: the SHA-256 of the text urql
// would send.
await run('urql persisted queries', async () => {
  const calls = await urqlQueries('urql persisted queries', cfg.persisted.urql.http, {
    exchanges: [cacheExchange, persistedExchange(), fetchExchange],
  });
  expectHashOnly("urql persisted queries", calls);
});

process.stdout.write(JSON.stringify(results, null, 1) + '\n');
process.exit(results.every((r) => r.ok) ? 0 : 1);
