import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorReason } from '../protocol/codes.ts';
import { hashPassword, verifyPassword } from '../server/auth/passwords.ts';
import { connectDevice, handshake, TestDevice } from './support/device.ts';
import { Subscription } from './support/graphql.ts';
import { startServer, type TestServer } from './support/server.ts';
import { SessionClient } from './support/session.ts';

const ADMIN = 'admin password 1';
const PASS = { alice: 'alice password 1', bob: 'bob password 12' };
const code = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;

describe('passwords', () => {
  it('are hashed with scrypt and a salt, and only the right one verifies', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsf', a)).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
  });
});

describe('accounts and ownership', () => {
  let server: TestServer;
  const admin = () => new SessionClient(server.url);
  let asAdmin: SessionClient;
  let asAlice: SessionClient;
  let asBob: SessionClient;
  const printed: string[] = [];
  const devices: TestDevice[] = [];
  const device = async (headers: Record<string, string> = {}) => {
    const d = await connectDevice(server.deviceUrl, { headers });
    devices.push(d);
    return d;
  };

  beforeAll(async () => {
    server = await startServer({ auth: 'on' }, { print: (t) => printed.push(t) });
    const password = /password: (\S+)/.exec(printed.join(''))?.[1] as string;
    asAdmin = admin();
    expect((await asAdmin.signIn('admin', password)).data).toEqual({ signIn: { username: 'admin', role: 'ADMIN' } });
    expect((await asAdmin.gql('mutation { changePassword(current: "wrong one!", next: "x") }')).errors?.[0]?.message).toBe(
      'the current password is wrong',
    );
    expect((await asAdmin.gql(`mutation { changePassword(current: "${password}", next: "${ADMIN}") }`)).data).toEqual({
      changePassword: true,
    });
    for (const [name, pass] of Object.entries(PASS)) {
      const r = await asAdmin.gql(`mutation { createUser(username: "${name}", password: "${pass}", role: OWNER) { id } }`);
      expect(r.errors).toBeUndefined();
    }
    asAlice = new SessionClient(server.url);
    asBob = new SessionClient(server.url);
    await asAlice.signIn('alice', PASS.alice);
    await asBob.signIn('bob', PASS.bob);
    // Old devices without credentials: a1 and b1 land in the unclaimed list until the admin assigns them.
    const old = await device();
    expect((await old.update(0, 'a1', { battery: 10 })).ok).toBe(true);
    expect((await old.update(1, 'b1', { battery: 20, secret_b: 'bob only' })).ok).toBe(true);
    expect((await old.update(2, 'u1', { battery: 30 })).ok).toBe(true);
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close().catch(() => {})));
    await server?.close();
  });

  it('prints the first admin password once, and writes a private local enrollment key', () => {
    expect(printed.join('')).toContain('username: admin');
    const file = join(server.dataDir, 'enrollment.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^sos_e_[\w-]{43}\n$/);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie, and forgets it on sign-out', async () => {
    const c = new SessionClient(server.url);
    expect(code(await c.gql('{ devices { totalCount } }'))).toBe('UNAUTHENTICATED');
    expect(code(await c.signIn('alice', 'not her password'))).toBe('UNAUTHENTICATED');
    await c.signIn('alice', PASS.alice);
    expect(c.lastSetCookie[0]).toMatch(/^smartos_session=sos_s_[\w-]+; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/);
    expect((await c.gql('{ me { username role } }')).data).toEqual({ me: { username: 'alice', role: 'OWNER' } });
    const kept = c.cookie;
    await c.gql('mutation { signOut }');
    expect(c.lastSetCookie[0]).toMatch(/^smartos_session=; Max-Age=0/);
    c.cookie = kept; // a copy of the old cookie is worth nothing now
    expect((await c.gql('{ me { username } }')).data).toEqual({ me: null });
    expect(code(await c.gql('{ parameters { name } }'))).toBe('UNAUTHENTICATED');
  });

  it('forgets expired sessions: refused at once, and pruned from the table', async () => {
    const c = new SessionClient(server.url);
    await c.signIn('bob', PASS.bob);
    const db = new Database(join(server.dataDir, 'smart-os.db'));
    const before = db.prepare('SELECT count(*) FROM session').pluck().get() as number;
    db.prepare('UPDATE session SET expires_at = ? WHERE user_id = (SELECT id FROM user WHERE username = ?)').run(
      Date.now() - 1,
      'bob',
    );
    db.close();
    await new Promise((r) => setTimeout(r, 10_100)); // past the session cache
    expect((await c.gql('{ me { username } }')).data).toEqual({ me: null });
    expect(await server.app.accounts.pruneSessions()).toBeGreaterThanOrEqual(1);
    const after = new Database(join(server.dataDir, 'smart-os.db'));
    expect(after.prepare('SELECT count(*) FROM session').pluck().get()).toBeLessThan(before);
    after.close();
    await asBob.signIn('bob', PASS.bob); // the shared bob session was one of them
  });

  it('answers bad account input with BAD_USER_INPUT and the reason', async () => {
    const create = (u: string, p: string) =>
      asAdmin.gql(`mutation { createUser(username: "${u}", password: "${p}", role: OWNER) { id } }`);
    const short = await create('carol', 'short');
    expect([code(short), short.errors?.[0]?.message]).toEqual(['BAD_USER_INPUT', 'a password has at least 10 characters']);
    expect(await create('no spaces please', 'long enough pw')).toMatchObject({
      errors: [{ message: 'a username is 1 to 64 letters, digits or _ . @ -' }],
    });
    expect((await create('alice', 'long enough pw')).errors?.[0]?.message).toBe('alice exists already');
    const days = await asAdmin.gql('mutation { createDeviceToken(serial: "a1", expiresInDays: 0) { secret } }');
    expect([code(days), days.errors?.[0]?.message]).toEqual(['BAD_USER_INPUT', 'expiresInDays is 1 to 3650']);
  });

  it('locks sign-in after repeated failures, even with the right password', async () => {
    const c = new SessionClient(server.url);
    for (let i = 0; i < 5; i++) expect(code(await c.signIn('bob', `guess number ${i}`))).toBe('UNAUTHENTICATED');
    const locked = await c.signIn('bob', PASS.bob);
    expect(locked.errors?.[0]?.message).toMatch(/^too many failed sign-ins; try again in \d+ s$/);
  });

  it('lists unclaimed devices to admins only, and lets an admin assign them', async () => {
    const unclaimed = '{ unclaimedDevices { serial owner } }';
    expect((await asAdmin.gql(unclaimed)).data).toEqual({
      unclaimedDevices: [
        { serial: 'a1', owner: null },
        { serial: 'b1', owner: null },
        { serial: 'u1', owner: null },
      ],
    });
    expect(code(await asAlice.gql(unclaimed))).toBe('FORBIDDEN');
    expect(code(await asAlice.gql('mutation { assignDevice(serial: "a1", owner: "alice") { serial } }'))).toBe('FORBIDDEN');
    for (const [serial, owner] of [
      ['a1', 'alice'],
      ['b1', 'bob'],
    ]) {
      const r = await asAdmin.gql(`mutation { assignDevice(serial: "${serial}", owner: "${owner}") { owner } }`);
      expect(r.data).toEqual({ assignDevice: { owner } });
    }
    expect((await asAdmin.gql(unclaimed)).data).toEqual({ unclaimedDevices: [{ serial: 'u1', owner: null }] });
  });

  it('shows an owner their devices only: devices, device, parameters, history, export', async () => {
    const page = '{ devices(orderBy: [{ field: "serial" }]) { totalCount nodes { serial } } }';
    expect((await asAlice.gql(page)).data).toEqual({ devices: { totalCount: 1, nodes: [{ serial: 'a1' }] } });
    expect((await asBob.gql(page)).data).toEqual({ devices: { totalCount: 1, nodes: [{ serial: 'b1' }] } });
    expect((await asAdmin.gql(page)).data).toMatchObject({ devices: { totalCount: 3 } });
    expect((await asAlice.gql('{ device(serial: "b1") { serial } }')).data).toEqual({ device: null });
    expect((await asAlice.gql('{ device(serial: "a1") { history(name: "battery") { value } } }')).data).toEqual({
      device: { history: [{ value: 10 }] },
    });
    const names = async (c: SessionClient) =>
      ((await c.gql<{ parameters: Array<{ name: string }> }>('{ parameters { name } }')).data?.parameters ?? []).map(
        (p) => p.name,
      );
    expect(await names(asAlice)).toEqual(['battery']);
    expect(await names(asBob)).toEqual(['battery', 'secret_b']);
    const csv = await (await asAlice.fetch('/export.csv?device=b1,a1')).text();
    expect(
      csv
        .trim()
        .split('\r\n')
        .map((l) => l.split(',')[0]),
    ).toEqual(['device', 'a1']);
    const all = await (await asAlice.fetch('/export.ndjson')).text();
    expect(all).not.toContain('b1');
    expect((await new SessionClient(server.url).fetch('/export.csv')).status).toBe(401);
  });

  it('gives live updates of their own devices only, on both subscriptions', async () => {
    const alice = asAlice.ws();
    const updates = new Subscription<{ deviceUpdates: { updates: Array<{ serial: string }> } }>(
      alice,
      'subscription { deviceUpdates { updates { serial } } }',
    );
    const theirs = new Subscription(alice, 'subscription { deviceChanged(serial: "b1") { at } }');
    await theirs.done;
    expect(theirs.events.map((e) => e.value.errors?.[0]?.message)).toEqual(['no device b1 of yours']);
    await new Promise((r) => setTimeout(r, 200));
    const d = await device();
    expect((await d.update(0, 'b1', { battery: 21 })).ok).toBe(true);
    expect((await d.update(1, 'a1', { battery: 11 })).ok).toBe(true);
    const got = await updates.until((events) => events.some((e) => e.data?.deviceUpdates.updates.length));
    expect(got.flatMap((e) => e.data?.deviceUpdates.updates.map((u) => u.serial) ?? [])).toEqual(['a1']);
    updates.stop();
    await alice.dispose();
  });

  it('ends the live subscriptions of a session that signs out', async () => {
    const c = new SessionClient(server.url);
    await c.signIn('alice', PASS.alice);
    const socket = c.ws();
    const closed = new Promise<number>((resolve) => socket.on('closed', (e) => resolve((e as { code: number }).code)));
    const s = new Subscription(socket, 'subscription { deviceChanged(serial: "a1") { at } }');
    await new Promise((r) => setTimeout(r, 200));
    await c.gql('mutation { signOut }');
    expect(await closed).toBe(4403);
    s.stop();
  });

  it('registers a device that brings an enrollment key to its owner, and refuses others’ serials', async () => {
    const made = await asAlice.gql<{ createEnrollmentKey: { secret: string; key: { id: number; owner: string } } }>(
      'mutation { createEnrollmentKey(label: "garage") { secret key { id owner } } }',
    );
    const { secret, key } = made.data?.createEnrollmentKey ?? { secret: '', key: { id: 0, owner: '' } };
    expect(key.owner).toBe('alice');
    const d = await device({ authorization: `Bearer ${secret}` });
    expect((await d.update(0, 'a2', { battery: 1 })).ok).toBe(true);
    expect(await d.update(1, 'b1', { battery: 99 })).toMatchObject({ ok: false, reason: ErrorReason.notAuthorized });
    expect(await d.update(2, 'u1', { battery: 99 })).toMatchObject({ ok: false, reason: ErrorReason.notAuthorized });
    expect((await asAlice.gql('{ device(serial: "a2") { owner } }')).data).toEqual({ device: { owner: 'alice' } });
    expect(code(await asBob.gql(`mutation { revokeEnrollmentKey(id: ${key.id}) }`))).toBe('FORBIDDEN');
    expect((await asAlice.gql(`mutation { revokeEnrollmentKey(id: ${key.id}) }`)).data).toEqual({ revokeEnrollmentKey: true });
    expect(await handshake(`${server.deviceUrl}?token=${secret}`)).toBe(401);
  });

  it('lets a device token write for its device only; revoking it closes the socket', async () => {
    expect(code(await asBob.gql('mutation { createDeviceToken(serial: "a1") { secret } }'))).toBe('FORBIDDEN');
    const made = await asAlice.gql<{ createDeviceToken: { secret: string; token: { id: number } } }>(
      'mutation { createDeviceToken(serial: "a1", label: "field unit") { secret token { id } } }',
    );
    const { secret, token } = made.data?.createDeviceToken ?? { secret: '', token: { id: 0 } };
    expect(secret).toMatch(/^sos_d_/);
    const d = await device({ authorization: `Bearer ${secret}` });
    expect((await d.update(0, 'a1', { battery: 12 })).ok).toBe(true);
    expect(await d.update(1, 'a2', { battery: 12 })).toMatchObject({ ok: false, reason: ErrorReason.notAuthorized });
    // From its first token on, a1 no longer takes frames without one.
    const anonymous = await device();
    expect(await anonymous.update(0, 'a1', { battery: 13 })).toMatchObject({ ok: false, reason: ErrorReason.unauthorized });
    expect(await handshake(`${server.deviceUrl}?token=${secret}`)).toBe(101);
    expect((await asAlice.gql('{ device(serial: "a1") { tokens { label revokedAt } } }')).data).toEqual({
      device: { tokens: [{ label: 'field unit', revokedAt: null }] },
    });
    expect((await asAlice.gql(`mutation { revokeDeviceToken(id: ${token.id}) }`)).data).toEqual({ revokeDeviceToken: true });
    expect((await d.closed).code).toBe(CloseCode.credentialsRevoked);
    expect(await handshake(server.deviceUrl, { authorization: `Bearer ${secret}` })).toBe(401);
    expect(await handshake(server.deviceUrl, { authorization: 'Bearer sos_d_made-up' })).toBe(401);
  });

  it('refuses an expired token', async () => {
    const made = await asAdmin.gql<{ createDeviceToken: { secret: string; token: { id: number } } }>(
      'mutation { createDeviceToken(serial: "a2", expiresInDays: 1) { secret token { id } } }',
    );
    const { secret, token } = made.data?.createDeviceToken ?? { secret: '', token: { id: 0 } };
    expect(await handshake(server.deviceUrl, { authorization: `Bearer ${secret}` })).toBe(101);
    const db = new Database(join(server.dataDir, 'smart-os.db'));
    db.prepare('UPDATE device_token SET expires_at = ? WHERE id = ?').run(Date.now() - 1000, token.id);
    db.close();
    expect(await handshake(server.deviceUrl, { authorization: `Bearer ${secret}` })).toBe(401);
  });

  it('rejects a device for good: its socket closes and its serial is refused', async () => {
    const d = await device();
    expect((await d.update(0, 'u2', { battery: 1 })).ok).toBe(true);
    expect(code(await asAlice.gql('mutation { rejectDevice(serial: "u2") }'))).toBe('FORBIDDEN');
    expect((await asAdmin.gql('mutation { rejectDevice(serial: "u2") }')).data).toEqual({ rejectDevice: true });
    expect((await d.closed).code).toBe(CloseCode.credentialsRevoked);
    const again = await device();
    expect(await again.update(0, 'u2', { battery: 2 })).toMatchObject({ ok: false, reason: ErrorReason.rejected });
    expect((await asAdmin.gql('{ device(serial: "u2") { serial } }')).data).toEqual({ device: null });
  });

  it('refuses cross-site requests: GET without the CSRF header, sockets from other origins', async () => {
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ authRequired }')}`);
    expect(get.status).toBe(403);
    const ok = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ authRequired }')}`, {
      headers: { 'x-graphql-yoga-csrf': '1' },
    });
    expect(await ok.json()).toEqual({ data: { authRequired: true } });
    const foreign = new TestDevice(server.graphqlUrl, { headers: { origin: 'https://evil.example' } });
    await expect(foreign.opened).rejects.toThrow(/403/);
  });
});

describe('settings for production', () => {
  it('DEVICE_AUTH=required refuses devices without credentials; introspection and GraphiQL can be off', async () => {
    const server = await startServer({
      auth: 'on',
      adminPassword: ADMIN,
      deviceAuth: 'required',
      introspection: false,
      graphiql: false,
    });
    try {
      expect(await handshake(server.deviceUrl)).toBe(401);
      const key = readFileSync(join(server.dataDir, 'enrollment.key'), 'utf8').trim();
      const d = await connectDevice(server.deviceUrl, { headers: { authorization: `Bearer ${key}` } });
      expect((await d.update(0, 'k1', { battery: 5 })).ok).toBe(true);
      await d.close();
      const admin = new SessionClient(server.url);
      await admin.signIn('admin', ADMIN);
      expect((await admin.gql('{ device(serial: "k1") { owner } }')).data).toEqual({ device: { owner: 'admin' } });
      expect((await admin.gql('{ __schema { types { name } } }')).errors?.[0]?.message).toMatch(/introspection/i);
      const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('GraphiQL');
    } finally {
      await server.close();
    }
  });

  it('resets a password from the command line, ending the sessions of that user', async () => {
    const server = await startServer({ auth: 'on', adminPassword: ADMIN });
    try {
      const admin = new SessionClient(server.url);
      await admin.signIn('admin', ADMIN);
      const cli = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'server/admin-cli.ts', 'reset-password', '--data-dir', server.dataDir],
        {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
          env: { ...process.env, ADMIN_PASSWORD: '' },
          encoding: 'utf8',
        },
      );
      expect(cli.status, cli.stderr).toBe(0);
      const fresh = /New password of admin: (\S+)/.exec(cli.stdout)?.[1] as string;
      expect(fresh).toHaveLength(20);
      await new Promise((r) => setTimeout(r, 10_100)); // sessions are re-read from the database every 10 s
      expect((await admin.gql('{ me { username } }')).data).toEqual({ me: null });
      expect(code(await new SessionClient(server.url).signIn('admin', ADMIN))).toBe('UNAUTHENTICATED');
      expect((await new SessionClient(server.url).signIn('admin', fresh)).data).toEqual({
        signIn: { username: 'admin', role: 'ADMIN' },
      });
    } finally {
      await server.close();
    }
  });

  it('AUTH=off is lab mode: no sign-in, every device visible', async () => {
    const server = await startServer({ auth: 'off' });
    try {
      const d = await connectDevice(server.deviceUrl);
      expect((await d.update(0, 'lab-1', { battery: 5 })).ok).toBe(true);
      await d.close();
      const anyone = new SessionClient(server.url);
      expect((await anyone.gql('{ authRequired devices { totalCount } }')).data).toEqual({
        authRequired: false,
        devices: { totalCount: 1 },
      });
    } finally {
      await server.close();
    }
  });
});
