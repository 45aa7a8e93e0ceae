// Runs graphql-http's GraphQL-over-HTTP server audits against a running
// endpoint and prints one line per audit.
//
//   npm ci --prefix test/graphql-http-audit
//   node test/graphql-http-audit/audit.mjs http://localhost:8080/graphql [--json]
//
// Exit status: 0 when every MUST audit passes (SHOULD and MAY failures are
// printed as warnings and notices), 1 when a MUST audit fails, 2 when the
// audits could not run (bad arguments, endpoint unreachable).
// --json prints the results as one JSON array instead, for
// internal/gqlhttp's audit_test.go.
import { serverAudits } from 'graphql-http';

const args = process.argv.slice(2);
const asJSON = args.includes('--json');
const url = args.find((a) => !a.startsWith('--'));
if (!url || !isURL(url)) {
  console.error('usage: node audit.mjs <url> [--json]');
  process.exit(2);
}

// The audits run one after the other: the output keeps their order and a
// slow endpoint sees one request at a time.
const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  try {
    results.push(await audit.fn());
  } catch (err) {
    // graphql-http throws only when an audit could not run at all.
    console.error(`audit ${audit.id} could not run: ${err?.stack ?? err}`);
    process.exit(2);
  }
}

const failedMUST = results.filter((r) => r.status === 'error');
if (asJSON) {
  const slim = results.map(({ id, name, status, reason }) => ({ id, name, status, reason }));
  console.log(JSON.stringify(slim, null, 2));
} else {
  // status: ok | error (MUST failed) | warn (SHOULD failed) | notice (MAY failed)
  const label = { ok: 'ok    ', error: 'FAIL  ', warn: 'warn  ', notice: 'notice' };
  for (const r of results) {
    console.log(`${label[r.status] ?? r.status} ${r.id} ${r.name}${r.reason ? ` (${r.reason})` : ''}`);
  }
  const count = (s) => results.filter((r) => r.status === s).length;
  console.log(
    `\naudits: ${results.length}; ok ${count('ok')}; MUST failures ${failedMUST.length}; ` +
      `SHOULD warnings ${count('warn')}; MAY notices ${count('notice')}`,
  );
}
process.exit(failedMUST.length > 0 ? 1 : 0);

function isURL(s) {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
}
