import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectDevice, type TestDevice } from '../support/device.ts';
import { type GraphQLResponse, Subscription } from '../support/graphql.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { SessionClient } from '../support/session.ts';

const ADMIN = 'admin password 1';
const code = (r: GraphQLResponse) => r.errors?.[0]?.extensions?.code;

describe('personal API tokens', () => {
  let server: TestServer;
  let alice: SessionClient;
  let bob: SessionClient;
  const devices: TestDevice[] = [];

  /** GraphQL as a script does it: a bearer token, no cookie, no CSRF header. */
  const asToken = async <T = Record<string, unknown>>(token: string, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  };
  const make = async (who: SessionClient, scopes: string, label = 'ci') => {
    const r = await who.gql<{ createApiToken: { secret: string; token: { id: number; scopes: string[] } } }>(
      `mutation { createApiToken(label: "${label}", scopes: [${scopes}], expiresInDays: 30) { secret token { id scopes } } }`,
    );
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.createApiToken;
  };

  beforeAll(async () => {
    server = await startServer({ auth: 'on', adminPassword: ADMIN });
    for (const name of ['alice', 'bob']) await server.app.accounts.createUser(name, `${name} password 12`, 'owner');
    alice = new SessionClient(server.url);
    await alice.signIn('alice', 'alice password 12');
    bob = new SessionClient(server.url);
    await bob.signIn('bob', 'bob password 12');
    for (const [who, serial] of [
      [alice, 'A1'],
      [bob, 'B1'],
    ] as const) {
      const key = await who.gql<{ createEnrollmentKey: { secret: string } }>('mutation { createEnrollmentKey { secret } }');
      const d = await connectDevice(server.deviceUrl, {
        headers: { authorization: `Bearer ${key.data?.createEnrollmentKey.secret}` },
      });
      devices.push(d);
      expect((await d.update(1, serial, { watts: 1 })).ok).toBe(true);
    }
  });
  afterAll(async () => {
    for (const d of devices) d.ws.terminate();
    await server?.close();
  });

  it('are shown once, stored hashed, listed without the secret', async () => {
    const { secret, token } = await make(alice, 'READ');
    expect(secret).toMatch(/^sos_p_[A-Za-z0-9_-]{43}$/);
    expect(token.scopes).toEqual(['READ']);
    const listed = await alice.gql<{ apiTokens: Array<Record<string, unknown>> }>('{ apiTokens { id label scopes lastUsedAt } }');
    expect(listed.data?.apiTokens.find((t) => t.id === token.id)).toMatchObject({ label: 'ci', scopes: ['READ'] });
    const db = new Database(join(server.dataDir, 'smart-os.db'), { readonly: true });
    const rows = db.prepare('SELECT token_hash FROM api_token').all() as Array<{ token_hash: string }>;
    db.close();
    expect(rows.some((r) => r.token_hash === secret || r.token_hash.includes(secret.slice(6)))).toBe(false);
    expect(rows).toHaveLength(1);
  });

  it("read: queries and export see the owner's devices only; mutations are refused", async () => {
    const { secret } = await make(alice, 'READ');
    const fleet = await asToken<{ devices: { nodes: Array<{ serial: string }> } }>(secret, '{ devices { nodes { serial } } }');
    expect(fleet.data?.devices.nodes.map((n) => n.serial)).toEqual(['A1']);
    const write = await asToken(secret, 'mutation { createEnrollmentKey { secret } }');
    expect(code(write)).toBe('FORBIDDEN');
    expect(write.errors?.[0]?.message).toMatch(/this API token may not use Mutation\.createEnrollmentKey/);
    const csv = await fetch(`${server.url}/export.csv?since=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(csv.status).toBe(200);
    const serials = new Set(
      (await csv.text())
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    );
    expect([...serials]).toEqual(['A1']);
  });

  it('write: mutations yes, but a token cannot make tokens or change the password', async () => {
    const { secret } = await make(alice, 'READ, WRITE');
    expect((await asToken(secret, 'mutation { createEnrollmentKey(label: "from ci") { secret } }')).errors).toBeUndefined();
    const mint = await asToken(secret, 'mutation { createApiToken(scopes: [READ]) { secret } }');
    expect(code(mint)).toBe('FORBIDDEN');
    expect(code(await asToken(secret, 'mutation { changePassword(current: "x", next: "yyyyyyyyyyyy") }'))).toBe('FORBIDDEN');
    const writeOnly = await make(alice, 'WRITE');
    expect(code(await asToken(writeOnly.secret, '{ devices { totalCount } }'))).toBe('FORBIDDEN');
  });

  it('work over graphql-ws in connection_init, and a revoked token ends its subscriptions and is refused', async () => {
    const { secret, token } = await make(alice, 'READ');
    const client = createClient({
      url: server.graphqlUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {}, // the test watches the close itself
      connectionParams: { authorization: `Bearer ${secret}` },
    });
    let closed: number | null = null;
    client.on('closed', (e) => {
      closed = (e as { code: number }).code;
    });
    const sub = new Subscription<{ deviceUpdates: { updates: Array<{ serial: string }> } }>(
      client,
      'subscription { deviceUpdates { updates { serial } } }',
    );
    await new Promise((r) => setTimeout(r, 200));
    for (const [i, d] of devices.entries()) await d.update(10 + i, i === 0 ? 'A1' : 'B1', { watts: 50 + i });
    const events = await sub.until((e) => e.some((x) => x.data?.deviceUpdates.updates.some((u) => u.serial === 'A1')));
    expect(events.flatMap((e) => e.data?.deviceUpdates.updates.map((u) => u.serial) ?? [])).not.toContain('B1');
    // Bob cannot revoke Alice's token; Alice can.
    expect(code(await bob.gql(`mutation { revokeApiToken(id: ${token.id}) }`))).toBe('FORBIDDEN');
    expect((await alice.gql(`mutation { revokeApiToken(id: ${token.id}) }`)).data).toEqual({ revokeApiToken: true });
    await expect.poll(() => closed).toBe(4403);
    const after = await asToken(secret, '{ devices { totalCount } }');
    expect(code(after)).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toBe('unknown, revoked or expired API token');
    expect((await fetch(`${server.url}/export.csv`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
    await client.dispose();
  });

  it('refuses expired, malformed and foreign credentials without falling back to the cookie', async () => {
    const { secret, token } = await make(alice, 'READ');
    const db = new Database(join(server.dataDir, 'smart-os.db'));
    db.prepare('UPDATE api_token SET expires_at = ? WHERE id = ?').run(Date.now() - 1000, token.id);
    db.close();
    // Its first use reads the database (nothing cached yet): expired is refused.
    const expired = await asToken(secret, '{ devices { totalCount } }');
    expect(code(expired)).toBe('UNAUTHENTICATED');
    expect(expired.errors?.[0]?.message).toBe('unknown, revoked or expired API token');
    const withCookie = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: alice.cookie, authorization: 'Basic YWxpY2U6eA==' },
      body: JSON.stringify({ query: '{ devices { totalCount } }' }),
    });
    const body = (await withCookie.json()) as GraphQLResponse;
    expect(code(body)).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/malformed Authorization/);
    expect(code(await asToken('sos_d_notapersonaltoken', '{ devices { totalCount } }'))).toBe('UNAUTHENTICATED');
    const nobody = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ apiTokens { id } }' }),
    });
    expect(code((await nobody.json()) as GraphQLResponse)).toBe('UNAUTHENTICATED');
    expect((await fetch(`${server.url}/export.csv`)).status).toBe(401);
  });
});
