import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorReason } from '../protocol/codes.ts';
import { formatDeviceFrame } from '../protocol/frames.ts';
import { connectDevice, handshake, type TestDevice } from './support/device.ts';
import { killAll, type ServerProcess, spawnServer } from './support/process.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';
import { SessionClient } from './support/session.ts';
import { V2TestDevice } from './support/v2-device.ts';
import { eventually } from './support/wait.ts';

const ADMIN = 'admin password 1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const metric = async (url: string, pattern: RegExp) =>
  Number(pattern.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);

describe('device gateways: sockets held by other processes, everything else as before', () => {
  let server: TestServer;
  let admin: SessionClient;
  const open: Array<TestDevice | V2TestDevice> = [];

  beforeAll(async () => {
    server = await startServer({ auth: 'on', adminPassword: ADMIN, deviceGateways: 2, heartbeatMs: 1000 });
    admin = new SessionClient(server.url);
    await admin.signIn('admin', ADMIN);
  });
  afterAll(async () => {
    for (const d of open) d.ws.terminate();
    await server?.close();
  });

  it('answers every frame once, in order, stores it, and spreads sockets over the gateways', async () => {
    const devices = await Promise.all(Array.from({ length: 6 }, () => connectDevice(server.deviceUrl)));
    open.push(...devices);
    expect(server.app.gateways?.loads).toEqual([3, 3]);
    await Promise.all(
      devices.map(async (d, i) => {
        for (let n = 0; n < 20; n++)
          expect(await d.update(n, `g${i}`, { battery: n, mode: `m${n}` }, n === 0 ? 'INIT' : 'UPDT')).toMatchObject({
            head: expect.stringMatching(new RegExp(`^0*${n}:g${i}$`)),
            ok: true,
          });
      }),
    );
    // v1: exactly one answer per frame, nothing unasked.
    for (const d of devices) expect(d.received).toEqual([]);
    const stored = await admin.gql<{ device: { history: Array<{ value: number }> } }>(
      '{ device(serial: "g3") { history(name: "battery") { value } } }',
    );
    expect(stored.data?.device.history.map((p) => p.value)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(server.app.fleet.get('g5')?.params.mode).toBe('m19');
    // A closed socket closes here too: the device goes offline.
    await devices[0]?.close();
    await eventually(
      () => server.app.fleet.get('g0')?.online,
      (online) => online === false,
    );
    expect(server.app.gateways?.size).toBe(5);
  });

  it('checks credentials before a gateway sees the socket: another owner’s serial and no credential are refused', async () => {
    const before = server.app.gateways?.size;
    const first = await connectDevice(server.deviceUrl);
    expect((await first.update(0, 't1', { battery: 0 })).ok).toBe(true);
    await first.close();
    await eventually(
      () => server.app.gateways?.size,
      (n) => n === before,
    );
    const made = await admin.gql<{ createDeviceToken: { secret: string } }>(
      'mutation { createDeviceToken(serial: "t1") { secret } }',
    );
    const secret = made.data?.createDeviceToken.secret as string;
    expect(await handshake(server.deviceUrl, { authorization: 'Bearer sos_d_made-up' })).toBe(401);
    expect(await handshake(server.deviceUrl, { authorization: 'Basic x' })).toBe(401);
    expect(server.app.gateways?.size).toBe(before);
    const d = await connectDevice(server.deviceUrl, { headers: { authorization: `Bearer ${secret}` } });
    open.push(d);
    expect((await d.update(0, 't1', { battery: 1 })).ok).toBe(true);
    expect(await d.update(1, 'g1', { battery: 1 })).toMatchObject({ ok: false, reason: ErrorReason.notAuthorized });
    // t1 has a token now: a socket without one may not write for it.
    const anonymous = await connectDevice(server.deviceUrl);
    open.push(anonymous);
    expect(await anonymous.update(0, 't1', { battery: 2 })).toMatchObject({ ok: false, reason: ErrorReason.unauthorized });
  });

  it('sends commands to v2 sockets in a gateway, and revoking a token closes its socket there', async () => {
    const d = new V2TestDevice(server.deviceUrl);
    await d.opened;
    open.push(d);
    expect((await d.request(formatDeviceFrame('INIT', 1, 'v2g', { mode: 'eco' }))).ok).toBe(true);
    await eventually(
      () => server.app.fleet.get('v2g')?.protocol,
      (p) => p === 2,
    );
    const sent = await admin.gql('mutation { sendCommand(input: { serials: ["v2g"], name: "reboot" }) { id } }');
    expect(sent.errors).toBeUndefined();
    expect(await d.nextCommand()).toMatchObject({ serial: 'v2g', name: 'reboot' });

    const first = await connectDevice(server.deviceUrl);
    expect((await first.update(0, 't2', { battery: 0 })).ok).toBe(true);
    await first.close();
    const made = await admin.gql<{ createDeviceToken: { secret: string; token: { id: number } } }>(
      'mutation { createDeviceToken(serial: "t2") { secret token { id } } }',
    );
    const created = made.data?.createDeviceToken as { secret: string; token: { id: number } };
    const { secret, token } = created;
    const t = await connectDevice(server.deviceUrl, { headers: { authorization: `Bearer ${secret}` } });
    expect((await t.update(0, 't2', { battery: 1 })).ok).toBe(true);
    await admin.gql(`mutation { revokeDeviceToken(id: ${token.id}) }`);
    expect((await t.closed).code).toBe(CloseCode.credentialsRevoked);
  });

  it('closes oversized and flooding sockets and refuses binary frames, as without gateways', async () => {
    const big = await connectDevice(server.deviceUrl);
    big.send(formatDeviceFrame('UPDT', 1, 'big', { blob: 'x'.repeat(70 * 1024) }));
    expect((await big.closed).code).toBe(CloseCode.messageTooBig);
    const tooBig = await eventually(
      () => metric(server.url, /smartos_device_closes_total\{reason="WS_ERR_UNSUPPORTED_MESSAGE_LENGTH"\} (\d+)/),
      (n) => n === 1,
    );
    expect(tooBig).toBe(1);

    const binary = await connectDevice(server.deviceUrl);
    open.push(binary);
    binary.ws.send(Buffer.from('UPDT1:bin:{}'));
    expect(await binary.nextAnswer()).toMatchObject({ ok: false, reason: ErrorReason.notText });

    const flood = await connectDevice(server.deviceUrl);
    for (let n = 0; n < 150; n++) flood.send(formatDeviceFrame('UPDT', n, 'flood', { n }));
    expect((await flood.closed).code).toBe(CloseCode.policyViolation);
  });

  it('answers a malformed handshake 400 in the gateway, which goes on serving', async () => {
    const pids = server.app.gateways?.pids;
    const { port } = new URL(server.url);
    for (const key of ['', 'not base64!', 'x'.repeat(5000)]) {
      const reply = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write(
            `GET /update/ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          ),
        );
        let text = '';
        socket.on('data', (c: Buffer) => {
          text += c.toString();
        });
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
      });
      expect(reply).toMatch(/^HTTP\/1\.1 (400|431)/);
    }
    expect(server.app.gateways?.pids).toEqual(pids);
    const d = await connectDevice(server.deviceUrl);
    open.push(d);
    expect((await d.update(0, 'after-bad', { battery: 1 })).ok).toBe(true);
  });

  it('drops a socket that answers no ping (the gateway pings), and the device goes offline', async () => {
    const silent = await connectDevice(server.deviceUrl, { autoPong: false });
    expect((await silent.update(0, 'quiet', { battery: 1 })).ok).toBe(true);
    await silent.closed;
    await eventually(
      () => server.app.fleet.get('quiet')?.online,
      (online) => online === false,
    );
    const missed = await eventually(
      () => metric(server.url, /smartos_device_closes_total\{reason="heartbeatTimeout"\} (\d+)/),
      (n) => n >= 1,
    );
    expect(missed).toBeGreaterThanOrEqual(1);
  });
});

describe('device gateways: capacity and shutdown', () => {
  it('refuses a socket with 503 when every gateway is full, and closes its sockets with 1001 on shutdown', async () => {
    const server = await startServer({ deviceGateways: 1, gatewayMaxSockets: 2 });
    try {
      const a = await connectDevice(server.deviceUrl);
      const b = await connectDevice(server.deviceUrl);
      expect(await handshake(server.deviceUrl)).toBe(503);
      await b.close();
      await eventually(
        () => server.app.gateways?.size,
        (n) => n === 1,
      );
      expect(await handshake(server.deviceUrl)).toBe(101);
      expect((await a.update(0, 'cap', { battery: 3 })).ok).toBe(true);
      const closing = server.close();
      expect((await a.closed).code).toBe(CloseCode.goingAway);
      await closing;
      const pids = server.app.gateways?.pids ?? [];
      expect(pids).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

/** The pids of a server's gateway processes. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'gateway-main'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('device gateways as processes: kill -9', () => {
  let server: ServerProcess | undefined;
  const dir = tempDir();
  afterAll(async () => {
    await killAll([server]);
    dir.remove();
  });

  it('a gateway killed: its devices go offline, it comes back, they reconnect; nothing acknowledged is lost', async () => {
    server = await spawnServer(['--device-gateways', '2', '--data-dir', dir.path]);
    const core = server.proc.pid as number;
    const fds = readdirSync(`/proc/${core}/fd`).length;
    const gateways = childrenOf(core);
    expect(gateways).toHaveLength(2);
    const devices = await Promise.all(Array.from({ length: 40 }, () => connectDevice(server?.deviceUrl as string)));
    for (const [i, d] of devices.entries()) expect((await d.update(0, `k${i}`, { battery: i }, 'INIT')).ok).toBe(true);
    // The core holds none of the sockets.
    expect(readdirSync(`/proc/${core}/fd`).length).toBeLessThan(fds + 10);

    process.kill(gateways[0] as number, 'SIGKILL');
    const codes = await Promise.all(devices.map((d) => Promise.race([d.closed.then((c) => c.code), sleep(3000).then(() => 0)])));
    const dropped = codes.filter((c) => c === 1006).length;
    expect(dropped).toBe(20);
    const state = async () =>
      (await (
        await fetch(`${server?.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ devices(limit: 100) { nodes { serial online params } } }' }),
        })
      ).json()) as { data: { devices: { nodes: Array<{ serial: string; online: boolean; params: { battery: number } }> } } };
    const offline = await eventually(
      async () => (await state()).data.devices.nodes.filter((d) => !d.online).length,
      (n) => n === 20,
    );
    expect(offline).toBe(20);
    // Back within its restart delay (at most a second after a first failure).
    const back = await eventually(
      () => childrenOf(core),
      (pids) => pids.length === 2,
      10_000,
    );
    expect(back).not.toContain(gateways[0]);
    await eventually(
      () => handshake(server?.deviceUrl as string),
      (status) => status === 101,
      10_000,
    );
    for (const i of devices.keys()) {
      if (codes[i] !== 1006) continue;
      const again = await connectDevice(server.deviceUrl);
      expect((await again.update(1, `k${i}`, { battery: i + 100 })).ok).toBe(true);
      await again.close();
    }
    const items = (await state()).data.devices.nodes;
    expect(items).toHaveLength(40);
    for (const [i] of devices.entries())
      expect(items.find((d) => d.serial === `k${i}`)?.params.battery).toBe(codes[i] === 1006 ? i + 100 : i);
    for (const d of devices) d.ws.terminate();
  });

  it('the core killed: its gateways exit too (no orphan holds sockets)', async () => {
    await killAll([server]);
    server = await spawnServer(['--device-gateways', '2', '--data-dir', dir.path]);
    const core = server.proc.pid as number;
    const gateways = childrenOf(core);
    expect(gateways).toHaveLength(2);
    const d = await connectDevice(server.deviceUrl);
    expect((await d.update(0, 'orphan', { battery: 1 })).ok).toBe(true);
    server.proc.kill('SIGKILL');
    await server.exited;
    expect((await d.closed).code).toBe(1006);
    const left = await eventually(
      () => gateways.filter(alive),
      (pids) => pids.length === 0,
    );
    expect(left).toEqual([]);
  });
});
