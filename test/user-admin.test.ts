import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice } from './support/device.ts';
import { startServer, type TestServer } from './support/server.ts';
import { SessionClient } from './support/session.ts';
import { eventually } from './support/wait.ts';

const ADMIN = 'admin password 1';
const PASS = 'user password 12';
const code = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;
const message = (r: { errors?: Array<{ message: string }> }) => r.errors?.[0]?.message;

async function bearer(url: string, secret: string, query: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

describe('managing accounts: role, disable, delete, bulk assign', () => {
  let server: TestServer;
  const admin = () => {
    const c = new SessionClient(server.url);
    return c.signIn('admin', ADMIN).then(() => c);
  };
  beforeAll(async () => {
    server = await startServer({ auth: 'on', adminPassword: ADMIN });
    const a = await admin();
    for (const u of ['erin', 'frank', 'gina'])
      await a.gql('mutation($u: String!, $p: String!) { createUser(username: $u, password: $p, role: OWNER) { id } }', {
        u,
        p: PASS,
      });
    const d = await connectDevice(server.deviceUrl);
    for (let i = 1; i <= 4; i++) expect((await d.update(i, `bulk-${i}`, { v: i })).ok).toBe(true);
    await d.close();
  });
  afterAll(() => server.close());

  it('lets only admins manage accounts: owners and anonymous callers are refused', async () => {
    const owner = new SessionClient(server.url);
    await owner.signIn('erin', PASS);
    const nobody = new SessionClient(server.url);
    for (const c of [owner, nobody]) {
      for (const q of [
        'mutation { updateUser(username: "frank", disabled: true) { username } }',
        'mutation { deleteUser(username: "frank") }',
        'mutation { assignDevices(serials: ["bulk-1"], owner: "erin") }',
        '{ users { username } }',
      ])
        expect(code(await c.gql(q))).toBe(c === owner ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
  });

  it('assigns a filtered set of unclaimed devices at once, all or nothing', async () => {
    const a = await admin();
    const bad = await a.gql('mutation { assignDevices(serials: ["bulk-1", "no-such"], owner: "erin") }');
    expect(message(bad)).toBe('no device no-such');
    expect(message(await a.gql('mutation { assignDevices(serials: ["bulk-1"], owner: "nobody") }'))).toBe('no user nobody');
    const many = Array.from({ length: 1001 }, (_, i) => `s${i}`);
    expect(message(await a.gql('mutation($s: [String!]!) { assignDevices(serials: $s) }', { s: many }))).toMatch(/at most 1000/);
    expect((await a.gql('mutation { assignDevices(serials: ["bulk-1", "bulk-2", "bulk-1"], owner: "erin") }')).data).toEqual({
      assignDevices: 2,
    });
    const erin = new SessionClient(server.url);
    await erin.signIn('erin', PASS);
    expect((await erin.gql('{ devices { nodes { serial } } }')).data).toEqual({
      devices: { nodes: [{ serial: 'bulk-1' }, { serial: 'bulk-2' }] },
    });
    expect((await a.gql('{ unclaimedDevices { serial } }')).data).toEqual({
      unclaimedDevices: [{ serial: 'bulk-3' }, { serial: 'bulk-4' }],
    });
  });

  it('disables an account: its sessions end, its tokens stop, it cannot sign in; enabling lets it in again', async () => {
    const a = await admin();
    const frank = new SessionClient(server.url);
    await frank.signIn('frank', PASS);
    const token = await frank.gql<{ createApiToken: { secret: string } }>(
      'mutation { createApiToken(scopes: [READ]) { secret } }',
    );
    const secret = token.data?.createApiToken.secret as string;
    expect(await bearer(server.url, secret, '{ me { username } }')).toEqual({ data: { me: { username: 'frank' } } });

    const off = await a.gql('mutation { updateUser(username: "frank", disabled: true) { username disabled } }');
    expect(off.data).toEqual({ updateUser: { username: 'frank', disabled: true } });
    expect((await frank.gql('{ me { username } }')).data).toEqual({ me: null });
    expect(code(await bearer(server.url, secret, '{ devices { totalCount } }'))).toBe('UNAUTHENTICATED');
    expect(message(await new SessionClient(server.url).signIn('frank', PASS))).toBe('this account is disabled; ask an admin');
    // A wrong password still says only that.
    expect(message(await new SessionClient(server.url).signIn('frank', 'wrong password 1'))).toBe('wrong username or password');

    await a.gql('mutation { updateUser(username: "frank", disabled: false) { username } }');
    expect((await new SessionClient(server.url).signIn('frank', PASS)).data).toEqual({
      signIn: { username: 'frank', role: 'OWNER' },
    });
    // The revoked token stays revoked.
    expect(code(await bearer(server.url, secret, '{ devices { totalCount } }'))).toBe('UNAUTHENTICATED');
  });

  it('changes a role, which signs the user out; an admin cannot demote, disable or delete themselves', async () => {
    const a = await admin();
    const gina = new SessionClient(server.url);
    await gina.signIn('gina', PASS);
    expect((await a.gql('mutation { updateUser(username: "gina", role: ADMIN) { role } }')).data).toEqual({
      updateUser: { role: 'ADMIN' },
    });
    expect((await gina.gql('{ me { username } }')).data).toEqual({ me: null });
    await gina.signIn('gina', PASS);
    expect((await gina.gql('{ me { role } }')).data).toEqual({ me: { role: 'ADMIN' } });

    expect(message(await a.gql('mutation { updateUser(username: "admin", role: OWNER) { role } }'))).toBe(
      'you cannot disable, demote or delete yourself',
    );
    expect(message(await a.gql('mutation { deleteUser(username: "admin") }'))).toBe(
      'you cannot disable, demote or delete yourself',
    );
    expect(message(await a.gql('mutation { updateUser(username: "gina") { role } }'))).toBe('give role or disabled');
    // Another admin may disable admin; there is always an active admin left (the one who asks).
    expect((await gina.gql('mutation { updateUser(username: "admin", disabled: true) { disabled } }')).data).toEqual({
      updateUser: { disabled: true },
    });
    const other = new SessionClient(server.url);
    await other.signIn('erin', PASS);
    expect(code(await other.gql('mutation { deleteUser(username: "gina") }'))).toBe('FORBIDDEN');
    await gina.gql('mutation { updateUser(username: "admin", disabled: false) { disabled } }');
    const back = await admin();
    expect(message(await back.gql('mutation { updateUser(username: "gina", disabled: true) { disabled } }'))).toBeUndefined();
    expect(message(await back.gql('mutation { updateUser(username: "admin", role: OWNER) { role } }'))).toBe(
      'you cannot disable, demote or delete yourself',
    );
  });

  it('deletes an account: its devices go back to the unclaimed list, live on every view', async () => {
    const a = await admin();
    expect((await a.gql('mutation { deleteUser(username: "erin") }')).data).toEqual({ deleteUser: 2 });
    expect(code(await new SessionClient(server.url).signIn('erin', PASS))).toBe('UNAUTHENTICATED');
    const unclaimed = await eventually(
      async () => (await a.gql<{ unclaimedDevices: unknown[] }>('{ unclaimedDevices { serial owner } }')).data?.unclaimedDevices,
      (list) => list?.length === 4,
    );
    expect(unclaimed).toEqual(['bulk-1', 'bulk-2', 'bulk-3', 'bulk-4'].map((serial) => ({ serial, owner: null })));
    const users = await a.gql<{ users: Array<{ username: string; disabled: boolean }> }>(
      '{ users { username disabled createdAt } }',
    );
    expect(users.data?.users.map((u) => [u.username, u.disabled])).toEqual([
      ['admin', false],
      ['frank', false],
      ['gina', true],
    ]);
    expect(message(await a.gql('mutation { deleteUser(username: "erin") }'))).toBe('no user erin');
  });
});
