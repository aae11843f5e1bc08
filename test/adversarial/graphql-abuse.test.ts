import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice } from '../support/device.ts';
import { gql, Subscription, wsClient } from '../support/graphql.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { SessionClient } from '../support/session.ts';
import { eventually } from '../support/wait.ts';

const code = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;
const message = (r: { errors?: Array<{ message: string }> }) => r.errors?.[0]?.message ?? '';
const SINCE = '"2000-01-01T00:00:00Z"';

describe('what one GraphQL client may ask', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ historySeriesPerRequest: 30, maxSubscriptionsPerSocket: 5, maxSubscriptionsPerUser: 8 });
    const d = await connectDevice(server.deviceUrl);
    for (let i = 0; i < 40; i++) await d.update(i, `g${String(i).padStart(2, '0')}`, { a: i, b: i * 2, c: `x${i}` });
    d.ws.terminate();
  });
  afterAll(() => server?.close());

  it('refuses the query that froze ingestion (30 aliases of 500 devices with history), at once and clearly', async () => {
    const alias = (k: number) => `d${k}: devices(limit: 500) { nodes { serial history(name: "a", since: ${SINCE}) { t avg } } }`;
    const res = await gql(server.url, `{ ${Array.from({ length: 30 }, (_, k) => alias(k)).join(' ')} }`);
    expect(res.data).toBeUndefined();
    expect(code(res)).toBe('BAD_USER_INPUT');
    // One alias alone is within the alias limit, and still too costly: 500 history series.
    const one = await gql(server.url, `{ ${alias(0)} }`);
    expect(message(one)).toMatch(/^this query would cost \d+, more than the limit of 100000/);
  });

  it('refuses too many aliases, too many tokens, and too deep a query', async () => {
    const aliases = await gql(server.url, `{ ${Array.from({ length: 16 }, (_, k) => `p${k}: parameters { name }`).join(' ')} }`);
    expect(code(aliases)).toBe('BAD_USER_INPUT');
    expect(message(aliases)).toMatch(/aliases/i);
    const tokens = await gql(server.url, `{ parameters { ${'name '.repeat(6000)} } }`);
    expect(message(tokens)).toMatch(/token/i);
    const deep = await gql(
      server.url,
      `{ ${'__schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }'.replace(/__schema/, 'a: __schema')} devices { nodes { serial } } }`,
    );
    // Introspection is exempt from the depth limit: GraphiQL's own query is deep.
    expect(deep.errors).toBeUndefined();
  });

  it('allows what a dashboard asks, and bounds the history series of one request', async () => {
    const page = await gql<{ devices: { nodes: unknown[] } }>(
      server.url,
      '{ devices(limit: 100) { totalCount nodes { serial online lastSeen createdAt params } } }',
    );
    expect(page.errors).toBeUndefined();
    expect(page.data?.devices.nodes).toHaveLength(40);
    const ten = await gql(
      server.url,
      `{ devices(limit: 10) { nodes { histories(names: ["a", "b", "c"], since: ${SINCE}) { name points { t } } } } }`,
    );
    expect(ten.errors).toBeUndefined();
    const eleven = await gql(
      server.url,
      `{ devices(limit: 11) { nodes { histories(names: ["a", "b", "c"], since: ${SINCE}) { name } } } }`,
    );
    expect(message(eleven)).toBe('at most 30 history series per request: ask for fewer devices or parameters');
  });

  it('caps subscriptions per socket, and returns the views when the client leaves', async () => {
    const before = server.app.fleet.devices.size;
    expect(before).toBe(40);
    const client = wsClient(server.graphqlUrl);
    const subs = Array.from(
      { length: 7 },
      (_, k) =>
        new Subscription<unknown>(client, 'subscription($w: [Condition!]) { deviceUpdates(where: $w) { left } }', {
          w: [{ field: 'a', op: 'GT', value: String(k) }],
        }),
    );
    const refusals = await Promise.all(
      subs.map((s) =>
        Promise.race([
          s.done.then(() => 'done').catch((e: Error) => e.message),
          new Promise<null>((r) => setTimeout(() => r(null), 1500)),
        ]),
      ),
    );
    // graphql-ws ends refused subscriptions with their errors; five stay open.
    expect(refusals.filter((m) => m?.includes('at most 5 subscriptions on one connection'))).toHaveLength(2);
    const views = () => server.app.hub.stats().views;
    expect(await eventually(views, (v) => v === 5)).toBe(5);
    await client.dispose();
    expect(await eventually(views, (v) => v === 0)).toBe(0);
  }, 15_000);
});

describe('subscriptions per user', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      auth: 'on',
      adminPassword: 'admin password 1',
      maxSubscriptionsPerSocket: 5,
      maxSubscriptionsPerUser: 8,
    });
  });
  afterAll(() => server?.close());

  it("are counted across all of a user's sockets", async () => {
    const admin = new SessionClient(server.url);
    await admin.signIn('admin', 'admin password 1');
    const sockets = [admin.ws(), admin.ws()];
    const subs = sockets.flatMap((c) =>
      Array.from(
        { length: 5 },
        (_, k) =>
          new Subscription<unknown>(c, `subscription { deviceUpdates(where: [{ field: "x", op: GT, value: "${k}" }]) { left } }`),
      ),
    );
    const refusals = await Promise.all(
      subs.map((s) =>
        Promise.race([
          s.done.then(() => 'done').catch((e: Error) => e.message),
          new Promise<null>((r) => setTimeout(() => r(null), 1500)),
        ]),
      ),
    );
    expect(refusals.filter((m) => m?.includes('at most 8 subscriptions per user'))).toHaveLength(2);
    for (const c of sockets) await c.dispose();
  });
});
