import { gql } from '/work/main/test/support/graphql.ts';
import { startServer } from '/work/main/test/support/server.ts';

const s = await startServer({});
const alias = (k: number) =>
  `d${k}: devices(limit: 500) { nodes { serial history(name: "a", since: "2000-01-01T00:00:00Z") { t avg } } }`;
console.log(JSON.stringify(await gql(s.url, `{ ${Array.from({ length: 30 }, (_, k) => alias(k)).join(' ')} }`)).slice(0, 500));
console.log(JSON.stringify(await gql(s.url, `{ ${alias(0)} }`)).slice(0, 500));
await s.close();
