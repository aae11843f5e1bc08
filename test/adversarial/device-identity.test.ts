import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorReason } from '../../protocol/codes.ts';
import { connectDevice, type TestDevice } from '../support/device.ts';
import { startServer, type TestServer, tempDir } from '../support/server.ts';
import { SessionClient } from '../support/session.ts';

const ADMIN = 'admin password 1';

describe('device identity: a device that connected with a credential is never spoken for without one', () => {
  let server: TestServer;
  let bob: SessionClient;
  let key = '';
  const sockets: TestDevice[] = [];
  const device = async (headers: Record<string, string> = {}) => {
    const d = await connectDevice(server.deviceUrl, { headers });
    sockets.push(d);
    return d;
  };

  beforeAll(async () => {
    server = await startServer({ auth: 'on', adminPassword: ADMIN });
    await server.app.accounts.createUser('bob', 'bob password 12', 'owner');
    bob = new SessionClient(server.url);
    await bob.signIn('bob', 'bob password 12');
    const made = await bob.gql<{ createEnrollmentKey: { secret: string } }>(
      'mutation { createEnrollmentKey(label: "b") { secret } }',
    );
    key = made.data?.createEnrollmentKey.secret ?? '';
  });
  afterAll(async () => {
    for (const d of sockets) d.ws.terminate();
    await server?.close();
  });

  const params = async (serial: string) =>
    (
      await bob.gql<{ device: { params: Record<string, unknown> } | null }>(
        'query($s: String!) { device(serial: $s) { params } }',
        { s: serial },
      )
    ).data?.device?.params;

  it('refuses an anonymous write for an enrolled device with unauthorized, and keeps the real socket', async () => {
    const real = await device({ authorization: `Bearer ${key}` });
    expect((await real.update(1, 'B1', { x: 1 })).ok).toBe(true);
    const anonymous = await device();
    expect(await anonymous.update(103, 'B1', { x: 666 })).toEqual({
      head: '0103:B1',
      ok: false,
      reason: ErrorReason.unauthorized,
    });
    expect(await params('B1')).toEqual({ x: 1 });
    // The real socket was not evicted: it still answers, and no 4001 came.
    expect((await real.update(2, 'B1', { x: 2 })).ok).toBe(true);
    expect(await params('B1')).toEqual({ x: 2 });
    expect(real.ws.readyState).toBe(real.ws.OPEN);
  });

  it('claims an admin-assigned old device on its first credentialed frame, not before', async () => {
    const old = await device();
    expect((await old.update(1, 'OLD1', { v: 1 })).ok).toBe(true);
    const admin = new SessionClient(server.url);
    await admin.signIn('admin', ADMIN);
    await admin.gql('mutation { assignDevice(serial: "OLD1", owner: "bob") { serial } }');
    // Still an old device without credentials: it keeps working.
    expect((await old.update(2, 'OLD1', { v: 2 })).ok).toBe(true);
    const enrolled = await device({ authorization: `Bearer ${key}` });
    expect((await enrolled.update(1, 'OLD1', { v: 3 })).ok).toBe(true);
    expect((await old.closed).code).toBe(CloseCode.replaced);
    const anonymous = await device();
    expect(await anonymous.update(3, 'OLD1', { v: 4 })).toMatchObject({ ok: false, reason: ErrorReason.unauthorized });
  });

  it('still lets an anonymous device speak for an unclaimed serial, and another replace it', async () => {
    const first = await device();
    expect((await first.update(1, 'FREE1', { v: 1 })).ok).toBe(true);
    const second = await device();
    expect((await second.update(2, 'FREE1', { v: 2 })).ok).toBe(true);
    expect((await first.closed).code).toBe(CloseCode.replaced);
  });

  it('refuses serials without a letter or digit', async () => {
    const d = await device();
    for (const serial of ['..', '.', '-', '_._']) {
      expect(await d.request(JSON.stringify({ type: 'UPDT', message: `0001:${serial}:{"x":1}` }))).toMatchObject({
        ok: false,
        reason: ErrorReason.badSerial,
      });
    }
  });
});

describe('a claim', () => {
  it('outlives a restart (it is stored)', async () => {
    const dir = tempDir();
    try {
      const first = await startServer({ auth: 'on', adminPassword: ADMIN, dataDir: dir.path });
      await first.app.accounts.createUser('alice', 'alice password 1', 'owner');
      const alice = new SessionClient(first.url);
      await alice.signIn('alice', 'alice password 1');
      const made = await alice.gql<{ createEnrollmentKey: { secret: string } }>('mutation { createEnrollmentKey { secret } }');
      const secret = made.data?.createEnrollmentKey.secret ?? '';
      const enrolled = await connectDevice(first.deviceUrl, { headers: { authorization: `Bearer ${secret}` } });
      expect((await enrolled.update(1, 'A1', { x: 1 })).ok).toBe(true);
      enrolled.ws.terminate();
      await first.close();
      const again = await startServer({ auth: 'on', adminPassword: ADMIN, dataDir: dir.path });
      try {
        const anonymous = await connectDevice(again.deviceUrl);
        expect(await anonymous.update(104, 'A1', { x: 667 })).toMatchObject({ ok: false, reason: ErrorReason.unauthorized });
        anonymous.ws.terminate();
      } finally {
        await again.close();
      }
    } finally {
      dir.remove();
    }
  });
});
