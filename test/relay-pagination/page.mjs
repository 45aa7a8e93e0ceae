// Pages through Teacher.batches with Apollo Client's relayStylePagination
// field policy (its defaults), one fetchMore per line read on stdin, and
// prints the ids the cache's merged list holds after each page as a JSON
// line. Env: BFF_URL (the /graphql endpoint), BFF_TOKEN, PAGE_SIZE.
import readline from 'node:readline';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';
import { relayStylePagination } from '@apollo/client/utilities/index.js';

const query = gql`
  query BatchPage($first: Int, $after: String) {
    viewer {
      id
      batches(first: $first, after: $after) {
        edges { cursor node { id title } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

const client = new ApolloClient({
  link: new HttpLink({ uri: process.env.BFF_URL, headers: { authorization: `Bearer ${process.env.BFF_TOKEN}` } }),
  cache: new InMemoryCache({
    typePolicies: { Teacher: { fields: { batches: relayStylePagination(['status']) } } },
  }),
});

const first = Number(process.env.PAGE_SIZE || 5);
const report = (result) => {
  const b = result.data.viewer.batches;
  console.log(JSON.stringify({ ids: b.edges.map((e) => e.node.id), hasNextPage: b.pageInfo.hasNextPage }));
  return b;
};

const watched = client.watchQuery({ query, variables: { first } });
let batches = report(await watched.result());
const lines = readline.createInterface({ input: process.stdin });
for await (const _ of lines) {
  if (!batches.pageInfo.hasNextPage) break;
  await watched.fetchMore({ variables: { after: batches.pageInfo.endCursor } });
  // The merged list, as a component watching the query sees it.
  batches = report(watched.getCurrentResult());
}
lines.close();
