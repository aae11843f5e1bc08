import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, type Device } from '../agent/device.ts';
import type { PeerChange } from '../agent/peers.ts';
import { ErrorReason } from '../protocol/codes.ts';
import { formatDeviceFrame } from '../protocol/frames.ts';
import { formatSubscribe, formatUnsubscribe, type Subscription } from '../protocol/peers.ts';
import type { Scalar } from '../protocol/values.ts';
import { connectDevice } from './support/device.ts';
import { startServer, type TestServer } from './support/server.ts';
import { createPgDatabase, postgresAvailable, REDIS_URL, redisAvailable } from './support/services.ts';
import { SessionClient } from './support/session.ts';
import { V2TestDevice } from './support/v2-device.ts';
import { eventually } from './support/wait.ts';

const PASSWORD = 'owner password 1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A v2 device of an owner (its enrollment key), with a counter for its message ids. */
class Peer {
  private n = 0;
  constructor(
    readonly d: V2TestDevice,
    readonly serial: string,
  ) {}

  static async connect(url: string, secret: string | null, serial: string): Promise<Peer> {
    const d = await V2TestDevice.connect(url, secret ? { authorization: `Bearer ${secret}` } : {});
    return new Peer(d, serial);
  }

  send(values: Record<string, Scalar>) {
    return this.d.request(formatDeviceFrame('UPDT', this.n++, this.serial, values));
  }

  subscribe(sub: Partial<Subscription> = {}) {
    return this.d.request(formatSubscribe(String(this.n++).padStart(4, '0'), this.serial, sub));
  }

  unsubscribe() {
    return this.d.request(formatUnsubscribe(String(this.n++).padStart(4, '0'), this.serial));
  }

  raw(type: string, body: string) {
    return this.d.request(JSON.stringify({ type, message: `${String(this.n++).padStart(4, '0')}:${this.serial}:${body}` }));
  }

  /** Resolves once the peers it knows satisfy `ok`. */
  until(ok: (map: Map<string, Record<string, unknown>>) => boolean, timeoutMs = 8000) {
    return eventually(() => this.d.peerMap(), ok, timeoutMs);
  }

  close() {
    this.d.ws.terminate();
  }
}

async function enrollmentKey(server: TestServer, user: string): Promise<string> {
  const c = new SessionClient(server.url);
  await c.signIn(user, PASSWORD);
  const made = await c.gql<{ createEnrollmentKey: { secret: string } }>(
    'mutation { createEnrollmentKey(label: "peers") { secret } }',
  );
  return made.data?.createEnrollmentKey.secret ?? '';
}

describe('the IoT channel: SUBS and PEER on one instance, with owners', () => {
  let server: TestServer;
  const keys: Record<string, string> = {};
  const open: Peer[] = [];
  const peer = async (owner: 'alice' | 'bob' | null, serial: string, values?: Record<string, Scalar>) => {
    const p = await Peer.connect(server.deviceUrl, owner ? (keys[owner] ?? '') : null, serial);
    open.push(p);
    if (values) expect((await p.send(values)).ok).toBe(true);
    return p;
  };

  beforeAll(async () => {
    server = await startServer({
      auth: 'on',
      adminPassword: 'admin password 1',
      maxFramesPerSecond: 1000,
    });
    for (const user of ['alice', 'bob']) {
      await server.app.accounts.createUser(user, PASSWORD, 'owner');
      keys[user] = await enrollmentKey(server, user);
    }
  });
  afterAll(async () => {
    for (const p of open) p.close();
    await server?.close();
  });

  it("sends a snapshot of exactly its owner's devices, as the server knows them, then only what changed", async () => {
    const a1 = await peer('alice', 'a1', { battery: 50, mode: 'eco' });
    const a2 = await peer('alice', 'a2', { battery: 60, temp: 21.5 });
    await peer('bob', 'b1', { battery: 70 });
    await peer(null, 'u1', { battery: 80 });
    expect(await a1.subscribe({ intervalMs: 200 })).toMatchObject({ ok: true });
    const first = await eventually(
      () => a1.d.peers[0],
      (f) => f !== undefined,
    );
    expect(first?.serial).toBe('a1');
    expect(first?.body.snapshot).toBe(true);
    const device = server.app.fleet.get('a2');
    expect(first?.body.devices).toEqual({
      a1: { battery: 50, mode: 'eco', online: true, lastSeen: server.app.fleet.get('a1')?.lastSeen },
      a2: { battery: 60, temp: 21.5, online: true, lastSeen: device?.lastSeen },
    });
    expect(first?.body.left).toEqual([]);
    // A change: only the changed value (and presence), latest wins.
    expect((await a2.send({ battery: 61 })).ok).toBe(true);
    expect((await a2.send({ battery: 62 })).ok).toBe(true);
    await a1.until((m) => m.get('a2')?.battery === 62);
    const changes = a1.d.peers.slice(1);
    expect(changes.every((f) => f.body.snapshot === false)).toBe(true);
    const last = changes.at(-1)?.body.devices.a2;
    expect(Object.keys(last ?? {}).sort()).toEqual(['battery', 'lastSeen', 'online']);
    // seq increases per subscription.
    const seqs = a1.d.peers.map((f) => f.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('coalesces changes per subscriber: at most one frame per interval, the latest value wins', async () => {
    const watcher = await peer('alice', 'a3', { battery: 1 });
    const busy = await peer('alice', 'a4', { battery: 0 });
    expect(await watcher.subscribe({ intervalMs: 300 })).toMatchObject({ ok: true });
    await watcher.until((m) => m.has('a4'));
    const started = performance.now();
    for (let i = 1; i <= 30; i++) expect((await busy.send({ battery: i })).ok).toBe(true);
    const elapsed = performance.now() - started;
    await watcher.until((m) => m.get('a4')?.battery === 30);
    const changes = watcher.d.peers.filter((f) => !f.body.snapshot && f.body.devices.a4);
    // 30 values, far fewer frames: one per 300 ms window (plus the one a window may straddle).
    expect(changes.length).toBeLessThanOrEqual(Math.ceil(elapsed / 300) + 2);
    expect(changes.length).toBeLessThan(30);
    // seq is the server's clock when it sent the frame: the frames of changes are an interval apart.
    const gaps = changes.slice(1).map((f, i) => f.seq - (changes[i]?.seq ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(295);
  });

  it('sends only the parameters in params (presence always), in the snapshot and in changes', async () => {
    const watcher = await peer('alice', 'a5', { battery: 5, secret_code: 'x' });
    expect(await watcher.subscribe({ params: ['battery'], intervalMs: 100 })).toMatchObject({ ok: true });
    await watcher.until((m) => m.has('a1'));
    const snapshot = watcher.d.peers[0]?.body.devices ?? {};
    for (const entry of Object.values(snapshot)) expect(Object.keys(entry).sort()).toEqual(['battery', 'lastSeen', 'online']);
    const a2 = watcher.d.peers.length;
    const other = open.find((p) => p.serial === 'a2') as Peer;
    expect((await other.send({ battery: 63, temp: 30 })).ok).toBe(true);
    await watcher.until((m) => m.get('a2')?.battery === 63);
    for (const f of watcher.d.peers.slice(a2))
      for (const entry of Object.values(f.body.devices)) expect(entry).not.toHaveProperty('temp');
    expect(JSON.stringify(watcher.d.peers)).not.toContain('secret_code');
  });

  it('follows the filter: a device that comes to match enters with all its values, one that stops is in left', async () => {
    const watcher = await peer('alice', 'a6', { battery: 0 });
    const where = [{ field: 'battery', op: 'GT', value: '55' }];
    expect(await watcher.subscribe({ where, intervalMs: 100 })).toMatchObject({ ok: true });
    await watcher.until((m) => m.has('a2'));
    expect([...watcher.d.peerMap().keys()].sort()).toEqual(['a2']);
    const a1 = open.find((p) => p.serial === 'a1') as Peer;
    const a2 = open.find((p) => p.serial === 'a2') as Peer;
    expect((await a1.send({ battery: 90 })).ok).toBe(true);
    const entered = await watcher.until((m) => m.has('a1'));
    expect(entered.get('a1')).toMatchObject({ battery: 90, mode: 'eco', online: true });
    expect((await a2.send({ battery: 10 })).ok).toBe(true);
    await watcher.until((m) => !m.has('a2'));
    expect(watcher.d.peers.some((f) => f.body.left.includes('a2'))).toBe(true);
    const b1 = open.find((p) => p.serial === 'b1') as Peer;
    expect((await b1.send({ battery: 99 })).ok).toBe(true);
    await sleep(300);
    expect(watcher.d.peerMap().has('b1')).toBe(false);
  });

  it("never shows another owner's device, not even in left; unclaimed devices read nothing", async () => {
    const b1 = open.find((p) => p.serial === 'b1') as Peer;
    expect(await b1.subscribe({ intervalMs: 100 })).toMatchObject({ ok: true });
    await b1.until((m) => m.has('b1'));
    expect([...b1.d.peerMap().keys()]).toEqual(['b1']);
    const u1 = open.find((p) => p.serial === 'u1') as Peer;
    expect(await u1.subscribe()).toMatchObject({ ok: false, reason: ErrorReason.notClaimed });
    for (let i = 0; i < 5; i++) {
      expect((await b1.send({ battery: 100 - i })).ok).toBe(true);
      expect((await u1.send({ battery: 100 - i })).ok).toBe(true);
    }
    await sleep(400);
    for (const p of open.filter((x) => x.serial.startsWith('a'))) {
      for (const text of p.d.texts) {
        expect(text).not.toContain('"b1');
        expect(text).not.toContain('u1');
      }
    }
    expect(b1.d.texts.join('\n')).not.toMatch(/\\"a\d/);
  });

  it('moves a device given to another owner out of the old owner’s subscriptions and into the new one’s', async () => {
    const admin = new SessionClient(server.url);
    await admin.signIn('admin', 'admin password 1');
    const a1 = open.find((p) => p.serial === 'a1') as Peer;
    const b1 = open.find((p) => p.serial === 'b1') as Peer;
    const a3 = open.find((p) => p.serial === 'a3') as Peer;
    await a3.until((m) => m.has('a4'));
    expect((await admin.gql('mutation { assignDevice(serial: "a4", owner: "bob") { serial } }')).errors).toBeUndefined();
    await a3.until((m) => !m.has('a4'));
    const entered = await b1.until((m) => m.has('a4'));
    expect(entered.get('a4')).toMatchObject({ battery: 30 });
    // The subscriber itself changes owner: an empty snapshot, and nothing more until it subscribes again.
    const before = a1.d.peers.length;
    expect((await admin.gql('mutation { assignDevice(serial: "a1", owner: "bob") { serial } }')).errors).toBeUndefined();
    await eventually(
      () => a1.d.peers.length,
      (n) => n > before,
    );
    expect(a1.d.peerMap().size).toBe(0);
    expect(a1.d.peers.at(-1)?.body.snapshot).toBe(true);
    expect((await admin.gql('mutation { assignDevice(serial: "a1", owner: "alice") { serial } }')).errors).toBeUndefined();
  });

  it('resumes with since: only the devices that changed, inside the window; a fresh snapshot outside it', async () => {
    const watcher = await peer('alice', 'a7', { battery: 7 });
    const busy = await peer('alice', 'a8', { battery: 8 });
    expect(await watcher.subscribe({ intervalMs: 100 })).toMatchObject({ ok: true });
    await watcher.until((m) => m.has('a8'));
    // The other devices quiet for longer than the overlap a resume allows for (values sent twice are harmless).
    await sleep(5500);
    expect((await busy.send({ battery: 8.5 })).ok).toBe(true);
    await watcher.until((m) => m.get('a8')?.battery === 8.5);
    const seq = watcher.d.peers.at(-1)?.seq ?? 0;
    watcher.close();
    expect((await busy.send({ battery: 9 })).ok).toBe(true);
    const again = await peer('alice', 'a7');
    expect(await again.subscribe({ intervalMs: 100, since: seq })).toMatchObject({ ok: true });
    const first = await eventually(
      () => again.d.peers[0],
      (f) => f !== undefined,
    );
    expect(first?.body.snapshot).toBe(false);
    expect(Object.keys(first?.body.devices ?? {})).toEqual(expect.arrayContaining(['a8']));
    expect(Object.keys(first?.body.devices ?? {})).not.toContain('a5');
    expect(first?.body.devices.a8).toMatchObject({ battery: 9, online: true });
    expect(first?.seq).toBeGreaterThan(seq);
    // Outside the window (and from the future): a snapshot, flagged.
    for (const since of [seq - 700_000, seq + 3_600_000]) {
      const other = await peer('alice', 'a7');
      expect(await other.subscribe({ since })).toMatchObject({ ok: true });
      const got = await eventually(
        () => other.d.peers[0],
        (f) => f !== undefined,
      );
      expect(got?.body.snapshot).toBe(true);
      expect(Object.keys(got?.body.devices ?? {})).toEqual(expect.arrayContaining(['a7', 'a8']));
    }
  });

  it('never sends PEER to a v1 device; a v1 SUBS is refused with one answer', async () => {
    const v1 = await connectDevice(server.deviceUrl, { headers: { authorization: `Bearer ${keys.alice}` } });
    expect((await v1.update(0, 'av1', { battery: 1 })).ok).toBe(true);
    expect(await v1.request(formatSubscribe('0001', 'av1', {}))).toMatchObject({ ok: false, reason: ErrorReason.v2Only });
    const a5 = open.find((p) => p.serial === 'a5') as Peer;
    for (let i = 0; i < 5; i++) expect((await a5.send({ battery: i })).ok).toBe(true);
    await sleep(400);
    expect(v1.received).toEqual([]);
    expect((await v1.update(2, 'av1', { battery: 2 })).ok).toBe(true);
    expect(v1.received).toEqual([]);
    v1.ws.terminate();
  });

  it('refuses bad SUBS with a named reason, and UNSB stops the frames', async () => {
    const p = await peer('alice', 'a9', { battery: 9 });
    const bad = [
      '{"where": {}}',
      `{"where": [${Array.from({ length: 51 }, () => '{"field":"battery","op":"GT","value":"1"}').join(',')}]}`,
      '{"where": [{"field": "battery"}]}',
      '{"where": [{"field": "battery", "op": "LIKE", "value": "1"}]}',
      '{"where": [{"field": "bat tery", "op": "GT", "value": "1"}]}',
      '{"where": [{"field": "battery", "op": "GT"}]}',
      '{"where": [{"field": "battery", "op": "GT", "value": {}}]}',
      '{"params": "battery"}',
      '{"params": ["bad name"]}',
      `{"params": [${Array.from({ length: 257 }, (_, i) => `"p${i}"`).join(',')}]}`,
      '{"since": -1}',
      '{"since": "12"}',
      '{"intervalMs": 99}',
      '{"intervalMs": 60001}',
      '{"intervalMs": 150.5}',
    ];
    for (const body of bad)
      expect(await p.raw('SUBS', body), body).toMatchObject({ ok: false, reason: ErrorReason.badSubscription });
    expect(await p.raw('SUBS', '[]')).toMatchObject({ ok: false, reason: ErrorReason.bodyNotObject });
    const fresh = await Peer.connect(server.deviceUrl, keys.alice ?? '', 'a-new');
    open.push(fresh);
    expect(await fresh.subscribe()).toMatchObject({ ok: false, reason: ErrorReason.initFirst });
    expect(await p.subscribe({ where: [{ field: 'b1', op: 'IS_NULL' }], intervalMs: 100 })).toMatchObject({ ok: true });
    await p.until((m) => m.has('a9'));
    expect(await p.unsubscribe()).toMatchObject({ ok: true });
    const count = p.d.peers.length;
    const a5 = open.find((x) => x.serial === 'a5') as Peer;
    for (let i = 0; i < 3; i++) expect((await a5.send({ battery: 50 + i })).ok).toBe(true);
    await sleep(400);
    expect(p.d.peers.length).toBe(count);
    expect(await p.unsubscribe()).toMatchObject({ ok: true });
    // Anything else: exactly one answer each, and the socket and the server carry on.
    for (let i = 0; i < 300; i++) {
      const answer = await p.raw('SUBS', JSON.stringify(randomJson()));
      expect(answer.ok || typeof answer.reason === 'string').toBe(true);
    }
    expect((await p.send({ battery: 10 })).ok).toBe(true);
  });
});

/** Random JSON of a few shapes, for SUBS bodies no device would send. */
function randomJson(depth = 0): unknown {
  const r = Math.random();
  if (depth > 2 || r < 0.2)
    return [null, true, -1, 0, 1.5, 1e308, '', 'GT', 'battery', '__proto__', 'x'.repeat(2000)][Math.floor(Math.random() * 11)];
  if (r < 0.5) return Array.from({ length: Math.floor(Math.random() * 4) }, () => randomJson(depth + 1));
  const keys = ['where', 'params', 'since', 'intervalMs', 'field', 'op', 'value', '__proto__', 'constructor'];
  return Object.fromEntries(keys.filter(() => Math.random() < 0.4).map((k) => [k, randomJson(depth + 1)]));
}

/** A number from /metrics. */
async function metric(server: TestServer, line: RegExp): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(text.match(line)?.[1] ?? Number.NaN);
}

describe('the IoT channel in lab mode: pages, and a slow subscriber', () => {
  let server: TestServer;
  const open: Peer[] = [];
  beforeAll(async () => {
    server = await startServer({ peerPageDevices: 3, peerMaxBufferedBytes: 16 * 1024, maxStringBytes: 65_536 });
  });
  afterAll(async () => {
    for (const p of open) p.close();
    await server?.close();
  });

  it('pages a large snapshot, each page bounded, only the last without more; unclaimed devices read unclaimed ones (AUTH=off)', async () => {
    for (let i = 0; i < 10; i++) {
      const p = await Peer.connect(server.deviceUrl, null, `p${i}`);
      open.push(p);
      expect((await p.send({ n: i })).ok).toBe(true);
    }
    const watcher = open[0] as Peer;
    expect(await watcher.subscribe()).toMatchObject({ ok: true });
    await watcher.until((m) => m.size === 10);
    const pages = watcher.d.peers;
    expect(pages.length).toBe(4);
    expect(pages.map((f) => Object.keys(f.body.devices).length)).toEqual([3, 3, 3, 1]);
    expect(pages.map((f) => f.body.more ?? false)).toEqual([true, true, true, false]);
    expect(pages.every((f) => f.body.snapshot)).toBe(true);
    expect(watcher.d.peerMap().get('p7')).toMatchObject({ n: 7, online: true });
  });

  it('keeps a slow subscriber bounded: nothing more is queued while its socket is full; it then gets the latest values', async () => {
    const fast = open[1] as Peer;
    const slow = open[2] as Peer;
    for (const p of [fast, slow])
      expect(await p.subscribe({ intervalMs: 100, params: ['blob', 'round'] })).toMatchObject({ ok: true });
    await slow.until((m) => m.size === 10);
    const socket = (slow.d.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const bulk = open.slice(3);
    const rounds = 60;
    let offered = 0;
    let maxBuffered = 0;
    let behind = 0;
    for (let r = 0; r < rounds; r++) {
      const blob = String(r % 10).repeat(50_000);
      await Promise.all(bulk.map(async (p) => expect((await p.send({ blob, round: r })).ok).toBe(true)));
      offered += bulk.length * 50_000;
      await sleep(110);
      if (r % 5 === 4) {
        maxBuffered = Math.max(maxBuffered, await metric(server, /^smartos_peer_buffered_bytes_max (\d+)/m));
        behind = Math.max(behind, await metric(server, /^smartos_peer_subscriptions\{kind="behind"\} (\d+)/m));
      }
    }
    // Bounded: the bound plus at most one batch (every bulk device's blob once), whatever was offered.
    expect(behind).toBeGreaterThanOrEqual(1);
    expect(maxBuffered).toBeGreaterThan(16 * 1024);
    expect(maxBuffered).toBeLessThan(16 * 1024 + 2 * bulk.length * 60_000);
    expect(await metric(server, /^smartos_peer_skipped_total (\d+)/m)).toBeGreaterThan(0);
    await fast.until((m) => bulk.every((p) => m.get(p.serial)?.round === rounds - 1));
    socket.resume();
    await slow.until((m) => bulk.every((p) => m.get(p.serial)?.round === rounds - 1), 15_000);
    const received = slow.d.texts.reduce((n, t) => n + t.length, 0);
    expect(received).toBeLessThan(offered / 2);
  });
});

const services = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!services)('the IoT channel across two instances (PostgreSQL and Redis)', () => {
  let database: { url: string; drop(): Promise<void> };
  let a: TestServer;
  let b: TestServer;
  const open: Peer[] = [];
  beforeAll(async () => {
    database = await createPgDatabase();
    const settings = { databaseUrl: database.url, redisUrl: REDIS_URL };
    a = await startServer(settings);
    b = await startServer(settings);
  });
  afterAll(async () => {
    for (const p of open) p.close();
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
  });

  it("delivers a device's change on one instance to a subscriber on the other, and resumes there", async () => {
    // An instance tells what changed only since it started (less the overlap a resume allows for).
    await sleep(5500);
    const watcher = await Peer.connect(a.deviceUrl, null, 'x1');
    const sender = await Peer.connect(b.deviceUrl, null, 'x2');
    open.push(watcher, sender);
    expect((await watcher.send({ battery: 1 })).ok).toBe(true);
    expect((await sender.send({ battery: 2 })).ok).toBe(true);
    await eventually(
      () => a.app.fleet.get('x2'),
      (d) => d !== undefined,
    );
    expect(await watcher.subscribe({ intervalMs: 100 })).toMatchObject({ ok: true });
    await watcher.until((m) => m.get('x2')?.battery === 2);
    expect((await sender.send({ battery: 3 })).ok).toBe(true);
    await watcher.until((m) => m.get('x2')?.battery === 3);
    // Presence is the fleet's truth on every instance.
    sender.close();
    await watcher.until((m) => m.get('x2')?.online === false);
    const seq = watcher.d.peers.at(-1)?.seq ?? 0;
    watcher.close();
    const again = await Peer.connect(b.deviceUrl, null, 'x1');
    open.push(again);
    expect(await again.subscribe({ intervalMs: 100, since: seq })).toMatchObject({ ok: true });
    const first = await eventually(
      () => again.d.peers[0],
      (f) => f !== undefined,
    );
    expect(first?.body.snapshot).toBe(false);
    expect(first?.body.devices.x2).toMatchObject({ battery: 3, online: false });
  });
});

describe('device.watch in the agent library', () => {
  let server: TestServer;
  const devices: Device[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await server?.close();
  });

  it('keeps a live map of the peers, resumes with since after a reconnect, and reports a refusal', async () => {
    const options = { url: server.deviceUrl, minIntervalMs: 10, reconnectDelayMs: 100, maxReconnectDelayMs: 200 };
    const watcher = createDevice({ ...options, serial: 'w1' });
    const other = createDevice({ ...options, serial: 'w2' });
    devices.push(watcher, other);
    other.set({ battery: 40, mode: 'eco' });
    const changes: PeerChange[] = [];
    watcher.set('battery', 10);
    watcher.watch({ params: ['battery'], intervalMs: 100 }, (change) => changes.push(change));
    await eventually(
      () => watcher.peers.get('w2')?.values.battery,
      (b) => b === 40,
    );
    expect(watcher.peers.get('w2')).toEqual({ values: { battery: 40 }, online: true, lastSeen: expect.any(Number) });
    expect(changes[0]?.snapshot).toBe(true);
    other.set('battery', 41);
    await eventually(
      () => watcher.peers.get('w2')?.values.battery,
      (b) => b === 41,
    );
    // The server tells what changed only since it started, less the overlap it allows for.
    await sleep(Math.max(0, 5500 - (Date.now() - (server.app.fleet.get('w1')?.createdAt ?? 0))));
    other.set('battery', 42);
    await eventually(
      () => watcher.peers.get('w2')?.values.battery,
      (b) => b === 42,
    );
    const before = changes.length;
    watcher.drop();
    await eventually(
      () => watcher.state,
      (s) => s === 'waiting',
    );
    other.set('battery', 43);
    await eventually(
      () => watcher.peers.get('w2')?.values.battery,
      (b) => b === 43,
    );
    expect(changes.slice(before).some((c) => c.snapshot)).toBe(false);
    // A refused subscription is reported.
    const refusals: string[] = [];
    watcher.on('watchError', (reason) => refusals.push(reason));
    watcher.watch({ where: [{ field: 'battery', op: 'LIKE', value: '1' }] }, () => {});
    await eventually(
      () => refusals.length,
      (n) => n > 0,
    );
    expect(refusals[0]).toBe(ErrorReason.badSubscription);
    watcher.unwatch();
    expect(watcher.peers.size).toBe(0);
  });
});
