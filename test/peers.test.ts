import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorReason } from '../protocol/codes.ts';
import { formatDeviceFrame } from '../protocol/frames.ts';
import { formatSubscribe, formatUnsubscribe, type Subscription } from '../protocol/peers.ts';
import type { Scalar } from '../protocol/values.ts';
import { connectDevice } from './support/device.ts';
import { startServer, type TestServer } from './support/server.ts';
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
      peerMaxBufferedBytes: 16 * 1024,
      maxStringBytes: 65_536,
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
});
