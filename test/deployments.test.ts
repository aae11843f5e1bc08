import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmulatedFleet, type FleetOptions } from '../agent/emulator/fleet.ts';
import { solmate } from '../agent/emulator/solmate.ts';
import { generateSigningKey, sha256Hex, signRelease } from '../agent/release/signature.ts';
import { connectDevice } from './support/device.ts';
import { data, gql } from './support/graphql.ts';
import { freePort } from './support/own-redis.ts';
import { killAll, runNode, type ServerProcess, spawnServer } from './support/process.ts';
import { providers } from './support/providers.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';
import { createPgDatabase, postgresAvailable, REDIS_URL, redisAvailable } from './support/services.ts';
import { SessionClient } from './support/session.ts';
import { eventually } from './support/wait.ts';

const key = generateSigningKey();
const cases = await providers();
const multi = (await postgresAvailable()) && (await redisAvailable());
const artifact = randomBytes(64 * 1024);

async function publish(url: string, version: string, auth: string | null = null, target = ''): Promise<number> {
  const identity = { kind: 'software' as const, name: 'solmate-fw', version, sha256: sha256Hex(artifact) };
  const res = await fetch(`${url}/releases`, {
    method: 'POST',
    headers: {
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
      'x-release-name': identity.name,
      'x-release-version': version,
      'x-release-signature': signRelease(identity, key.privateKeyPem),
      'x-release-target': encodeURIComponent(target),
    },
    body: new Uint8Array(artifact),
  });
  const body = (await res.json()) as { id: number; error?: string };
  if (res.status !== 201) throw new Error(body.error);
  return body.id;
}

function emulate(url: string, prefix: string, devices: number, extra: Partial<FleetOptions> = {}): EmulatedFleet {
  return new EmulatedFleet({
    url,
    devices,
    serialStart: 1,
    serialPrefix: prefix,
    init: false,
    behaviour: solmate({ pattern: 'random', max: 100 }),
    // Each device sends every 0.2–0.4 s: the health rule sees it keep sending.
    minSleepS: 0.2,
    maxSleepS: 0.4,
    connectPerSecond: 1000,
    ...extra,
  });
}

const DEPLOY = `mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id state phases } }`;
const SHOW = `query($id: Int!) { deployment(id: $id) { id state reason phase counts { QUEUED NOTIFIED HEALTHY FAILED ROLLED_BACK SKIPPED CANCELED }
  devices(limit: 500) { serial phase state reason events { state at detail } } } }`;

interface Shown {
  id: number;
  state: string;
  reason: string | null;
  phase: number;
  counts: Record<string, number>;
  devices: Array<{
    serial: string;
    phase: number;
    state: string;
    reason: string | null;
    events: Array<{ state: string; at: string }>;
  }>;
}
const show = async (url: string, id: number) => (await data<{ deployment: Shown }>(url, SHOW, { id })).deployment;
const finished = (d: Shown) => ['COMPLETED', 'ABORTED', 'CANCELED'].includes(d.state);
const at = (d: Shown['devices'][number], state: string) => {
  const e = d.events.find((x) => x.state === state);
  return e ? Date.parse(e.at) : Number.NaN;
};

describe('deployments (lab mode, emulated devices)', () => {
  let server: TestServer;
  const fleets: EmulatedFleet[] = [];
  beforeAll(async () => {
    server = await startServer({ maxFramesPerSecond: 1000 });
  });
  afterEach(async () => {
    await Promise.all(fleets.splice(0).map((f) => f.stop()));
  });
  afterAll(() => server.close());
  /** Emulated devices, started, once the server knows the commands of every one of them. */
  const startFleet = async (prefix: string, devices: number, extra: Partial<FleetOptions> = {}) => {
    const fleet = emulate(server.deviceUrl, prefix, devices, extra);
    fleets.push(fleet);
    await fleet.start();
    for (let i = 0; i < devices; i++)
      await eventually(() => Promise.resolve(server.app.fleet.get(fleet.serial(i))?.capabilities), Boolean, 10_000);
  };

  it('rolls out phase by phase; a device counts only once online on the version and sending for healthSeconds', async () => {
    await startFleet('ph-', 20);
    const release = await publish(server.url, '2.0.0');
    const made = await data<{ createDeployment: { id: number; phases: number[] } }>(server.url, DEPLOY, {
      i: {
        releaseId: release,
        where: [{ field: 'serial', op: 'STARTS_WITH', value: 'ph-' }],
        phases: [10, 50, 100],
        healthSeconds: 2,
      },
    });
    expect(made.createDeployment.phases).toEqual([10, 50, 100]);
    const d = await eventually(() => show(server.url, made.createDeployment.id), finished, 60_000);
    expect(d.state).toBe('COMPLETED');
    expect(d.counts.HEALTHY).toBe(20);
    // 2 devices in the first phase, 8 more in the second, 10 in the last.
    expect([1, 2, 3].map((p) => d.devices.filter((x) => x.phase === p).length)).toEqual([2, 8, 10]);
    for (const p of [1, 2]) {
      const lastHealthy = Math.max(...d.devices.filter((x) => x.phase <= p).map((x) => at(x, 'HEALTHY')));
      const firstNext = Math.min(...d.devices.filter((x) => x.phase === p + 1).map((x) => at(x, 'NOTIFIED')));
      expect(firstNext).toBeGreaterThanOrEqual(lastHealthy);
    }
    for (const x of d.devices) {
      expect(x.events.map((e) => e.state)).toEqual(
        expect.arrayContaining([
          'QUEUED',
          'NOTIFIED',
          'DOWNLOADING',
          'VERIFIED',
          'INSTALLING',
          'RESTARTING',
          'UPDATED',
          'HEALTHY',
        ]),
      );
      expect(at(x, 'HEALTHY') - at(x, 'UPDATED')).toBeGreaterThanOrEqual(2000);
    }
    const device = await data<{
      device: { softwareVersion: string; updates: Array<{ state: string; deployment: { id: number } }> };
    }>(server.url, '{ device(serial: "ph-0001") { softwareVersion updates { state deployment { id } } } }');
    expect(device.device).toEqual({
      softwareVersion: '2.0.0',
      updates: [{ state: 'HEALTHY', deployment: { id: made.createDeployment.id } }],
    });
  }, 90_000);

  it('starts no more devices a minute than its rate limit, and pauses, resumes and cancels', async () => {
    await startFleet('rt-', 12);
    const release = await publish(server.url, '3.0.0');
    const id = (
      await data<{ createDeployment: { id: number } }>(server.url, DEPLOY, {
        i: {
          releaseId: release,
          where: [{ field: 'serial', op: 'STARTS_WITH', value: 'rt-' }],
          ratePerMinute: 4,
          healthSeconds: 1,
        },
      })
    ).createDeployment.id;
    const started = (d: Shown) => d.devices.filter((x) => x.state !== 'QUEUED').length;
    await eventually(
      () => show(server.url, id),
      (d) => d.counts.HEALTHY === 4,
      30_000,
    );
    // Four a minute: the other eight wait their turn.
    expect(started(await show(server.url, id))).toBe(4);
    const pause = await data<{ pauseDeployment: { state: string } }>(
      server.url,
      `mutation { pauseDeployment(id: ${id}) { state } }`,
    );
    expect(pause.pauseDeployment.state).toBe('PAUSED');
    expect((await gql(server.url, `mutation { pauseDeployment(id: ${id}) { state } }`)).errors?.[0]?.message).toBe(
      'only a running deployment can be paused',
    );
    const resumed = await data<{ resumeDeployment: { state: string } }>(
      server.url,
      `mutation { resumeDeployment(id: ${id}) { state } }`,
    );
    expect(resumed.resumeDeployment.state).toBe('RUNNING');
    const canceled = await data<{ cancelDeployment: { state: string; reason: string } }>(
      server.url,
      `mutation { cancelDeployment(id: ${id}) { state reason } }`,
    );
    expect(canceled.cancelDeployment).toEqual({ state: 'CANCELED', reason: 'canceled by lab mode' });
    const d = await show(server.url, id);
    expect(d.counts.CANCELED).toBe(8);
    expect(d.devices.filter((x) => x.state === 'CANCELED').every((x) => x.reason === 'canceled by lab mode')).toBe(true);
  }, 60_000);

  it('aborts at the threshold with the reason, and cancels what had not started', async () => {
    await startFleet('ab-', 20, { updateFailureRate: 1 });
    const release = await publish(server.url, '4.0.0');
    const id = (
      await data<{ createDeployment: { id: number } }>(server.url, DEPLOY, {
        i: {
          releaseId: release,
          where: [{ field: 'serial', op: 'STARTS_WITH', value: 'ab-' }],
          phases: [20, 100],
          abortMinCount: 3,
          abortFailedPercent: 50,
        },
      })
    ).createDeployment.id;
    const d = await eventually(() => show(server.url, id), finished, 30_000);
    expect(d.state).toBe('ABORTED');
    expect(d.reason).toMatch(/^\d of \d finished devices failed or rolled back \(≥ 50 % after at least 3\)$/);
    expect(d.counts.FAILED).toBeGreaterThanOrEqual(3);
    expect((d.counts.FAILED ?? 0) + (d.counts.CANCELED ?? 0)).toBe(20);
    expect(d.devices.find((x) => x.state === 'FAILED')?.reason).toBe('emulated install failure (--update-failure-rate)');
    expect(d.devices.find((x) => x.state === 'CANCELED')?.reason).toMatch(/^deployment aborted: /);
  }, 60_000);

  it('marks a device that comes back on its old version ROLLED_BACK, and never counts it healthy', async () => {
    await startFleet('rb-', 3, { unhealthyAfterUpdateRate: 1 });
    const release = await publish(server.url, '5.0.0');
    const id = (
      await data<{ createDeployment: { id: number } }>(server.url, DEPLOY, {
        i: {
          releaseId: release,
          where: [{ field: 'serial', op: 'STARTS_WITH', value: 'rb-' }],
          healthSeconds: 10,
          abortMinCount: 10,
        },
      })
    ).createDeployment.id;
    const d = await eventually(() => show(server.url, id), finished, 40_000);
    expect(d.counts.ROLLED_BACK).toBe(3);
    // Up on the new version for a while (UPDATED), then back on the old one: never HEALTHY.
    expect(d.devices.some((x) => x.events.some((e) => e.state === 'UPDATED'))).toBe(true);
    expect(d.devices.some((x) => x.events.some((e) => e.state === 'HEALTHY'))).toBe(false);
    expect(d.devices[0]?.reason).toEqual(expect.stringMatching(/^the device switched back to v\d\.\d$/));
    expect(server.app.fleet.get('rb-0001')?.params.update_rollback).toBe(
      `5.0.0#${(await data<{ deployment: { devices: Array<{ cmdid: string }> } }>(server.url, `{ deployment(id: ${id}) { devices(limit: 1) { cmdid } } }`)).deployment.devices[0]?.cmdid}`,
    );
  }, 60_000);

  it('skips v1 devices (which never receive a frame they did not ask for), devices already on it, and those outside the target', async () => {
    const v1 = await connectDevice(server.deviceUrl);
    expect((await v1.update(1, 'old-1', { software_version: '1.0.0' })).ok).toBe(true);
    await startFleet('sk-', 2);
    const release = await publish(server.url, '6.0.0', null, 'serial != sk-0002');
    const id = (
      await data<{ createDeployment: { id: number } }>(server.url, DEPLOY, {
        i: { releaseId: release, serials: ['old-1', 'sk-0001', 'sk-0002'], healthSeconds: 0 },
      })
    ).createDeployment.id;
    const d = await eventually(() => show(server.url, id), finished, 30_000);
    const by = Object.fromEntries(d.devices.map((x) => [x.serial, [x.state, x.reason]]));
    expect(by).toEqual({
      'old-1': ['SKIPPED', 'the device speaks protocol v1: it cannot take updates'],
      'sk-0001': ['HEALTHY', null],
      'sk-0002': ['SKIPPED', 'does not match the release’s target'],
    });
    // Again: sk-0001 is on it now.
    const again = (
      await data<{ createDeployment: { id: number } }>(server.url, DEPLOY, { i: { releaseId: release, serials: ['sk-0001'] } })
    ).createDeployment.id;
    expect((await show(server.url, again)).devices[0]).toMatchObject({ state: 'SKIPPED', reason: 'already on 6.0.0' });
    // Like the original device: one read after each send, every answer to the frame just sent.
    for (let i = 2; i < 5; i++) expect(await v1.update(i, 'old-1', { n: i })).toMatchObject({ ok: true });
    expect(v1.received).toEqual([]);
    await v1.close();
  }, 60_000);

  it('keeps a release while a deployment sends it; once deleted, the deployment and the history stay', async () => {
    await startFleet('dl-', 2);
    const release = await publish(server.url, '6.5.0');
    const id = (
      await data<{ createDeployment: { id: number } }>(server.url, DEPLOY, {
        i: { releaseId: release, serials: ['dl-0001', 'dl-0002'], ratePerMinute: 1, healthSeconds: 0 },
      })
    ).createDeployment.id;
    const remove = `mutation { deleteRelease(id: ${release}) }`;
    expect((await gql(server.url, remove)).errors?.[0]?.message).toBe(
      `deployment ${id} is sending this release: cancel it first`,
    );
    await data(server.url, `mutation { cancelDeployment(id: ${id}) { id } }`);
    await eventually(
      async () =>
        (await data<{ deployment: { finishedAt: string | null } }>(server.url, `{ deployment(id: ${id}) { finishedAt } }`))
          .deployment,
      (d) => d.finishedAt !== null,
      20_000,
    );
    expect((await data<{ deleteRelease: boolean }>(server.url, remove)).deleteRelease).toBe(true);
    const after = await data<{ deployment: { release: unknown; devices: Array<{ serial: string }> } }>(
      server.url,
      `{ deployment(id: ${id}) { release { id } devices { serial } } }`,
    );
    expect(after.deployment).toEqual({ release: null, devices: [{ serial: 'dl-0001' }, { serial: 'dl-0002' }] });
    const history = await data<{ device: { updates: Array<{ deploymentId: number }> } }>(
      server.url,
      '{ device(serial: "dl-0001") { updates { deploymentId } } }',
    );
    expect(history.device.updates.map((u) => u.deploymentId)).toContain(id);
  }, 60_000);

  it('refuses bad settings with the reason', async () => {
    const release = await publish(server.url, '7.0.0');
    const bad = async (extra: Record<string, unknown>) =>
      (await gql(server.url, DEPLOY, { i: { releaseId: release, all: true, ...extra } })).errors?.[0]?.message;
    expect(await bad({ phases: [50, 20, 100] })).toBe('phases are rising whole percentages of the devices, e.g. 5, 25, 100');
    expect(await bad({ phases: [5, 25] })).toBe('the last phase is 100 (every device)');
    expect(await bad({ ratePerMinute: 0 })).toBe('ratePerMinute must be 1 to 100000');
    expect(await bad({ healthSeconds: -1 })).toBe('healthSeconds must be 0 to 86400');
    expect((await gql(server.url, DEPLOY, { i: { releaseId: release } })).errors?.[0]?.message).toBe(
      'name the devices: serials, where, or all',
    );
    expect((await gql(server.url, DEPLOY, { i: { releaseId: 9999, all: true } })).errors?.[0]?.message).toBe(
      'no release 9999 of yours',
    );
  });
});

describe('deployments survive', () => {
  const dirs: Array<{ remove(): void }> = [];
  const procs: ServerProcess[] = [];
  const fleets: EmulatedFleet[] = [];
  afterAll(async () => {
    await Promise.all(fleets.map((f) => f.stop()));
    await killAll(procs);
    for (const d of dirs) d.remove();
  });

  for (const provider of cases)
    it.skipIf(!provider.available)(
      `a kill -9 mid-deployment: the restarted server continues it (${provider.name})`,
      async () => {
        const database = await provider.create();
        const dir = tempDir();
        dirs.push(dir);
        const port = await freePort();
        // A short lease (LEASE_SECONDS) so the takeover comes within seconds; 15 s in production.
        const flags = ['--data-dir', dir.path, '--database-url', database.url, '--port', String(port), '--lease-seconds', '3'];
        const first = await spawnServer(flags);
        procs.push(first);
        const fleet = emulate(first.deviceUrl, 'k9-', 10);
        fleets.push(fleet);
        await fleet.start();
        await eventually(
          async () =>
            (
              await data<{ device: { capabilities: unknown } | null }>(
                first.url,
                '{ device(serial: "k9-0010") { capabilities } }',
              )
            ).device?.capabilities,
          Boolean,
          15_000,
        );
        const release = await publish(first.url, '8.0.0');
        const id = (
          await data<{ createDeployment: { id: number } }>(first.url, DEPLOY, {
            i: {
              releaseId: release,
              where: [{ field: 'serial', op: 'STARTS_WITH', value: 'k9-' }],
              phases: [20, 100],
              healthSeconds: 3,
            },
          })
        ).createDeployment.id;
        // Killed while the first phase is being checked for health.
        await eventually(
          () => show(first.url, id),
          (d) => d.devices.some((x) => x.state === 'UPDATED'),
          30_000,
        );
        first.proc.kill('SIGKILL');
        await first.exited;
        const second = await spawnServer(flags);
        procs.push(second);
        // The devices come back within their reconnect backoff, and the new process takes the dead one's lease
        // once it passes (3 s here).
        const d = await eventually(() => show(second.url, id), finished, 150_000);
        expect(d.state).toBe('COMPLETED');
        expect(d.counts.HEALTHY).toBe(10);
        // Each device was sent the update once: nothing started twice after the restart.
        expect(d.devices.every((x) => x.events.filter((e) => e.state === 'NOTIFIED').length === 1)).toBe(true);
      },
      240_000,
    );

  it.skipIf(!multi)(
    'two instances (PostgreSQL + Redis): created on A for devices on B; B takes over when A dies',
    async () => {
      const database = await createPgDatabase();
      const flags = () => {
        const dir = tempDir();
        dirs.push(dir);
        return ['--data-dir', dir.path, '--database-url', database.url, '--redis-url', REDIS_URL, '--lease-seconds', '3'];
      };
      const a = await spawnServer(flags());
      const b = await spawnServer(flags());
      procs.push(a, b);
      const fleet = emulate(b.deviceUrl, 'mi-', 6);
      fleets.push(fleet);
      await fleet.start();
      await eventually(
        async () =>
          (await data<{ device: { capabilities: unknown } | null }>(a.url, '{ device(serial: "mi-0006") { capabilities } }'))
            .device?.capabilities,
        Boolean,
        15_000,
      );
      // Published on A, downloaded by devices through B.
      const release = await publish(a.url, '9.0.0');
      const id = (
        await data<{ createDeployment: { id: number } }>(a.url, DEPLOY, {
          i: {
            releaseId: release,
            where: [{ field: 'serial', op: 'STARTS_WITH', value: 'mi-' }],
            phases: [50, 100],
            healthSeconds: 2,
          },
        })
      ).createDeployment.id;
      await eventually(
        () => show(b.url, id),
        (d) => (d.counts.HEALTHY ?? 0) >= 1,
        30_000,
      );
      a.proc.kill('SIGKILL');
      await a.exited;
      const d = await eventually(() => show(b.url, id), finished, 90_000);
      expect(d.state).toBe('COMPLETED');
      expect(d.counts.HEALTHY).toBe(6);
    },
    180_000,
  );
});

describe('deployments: who may', () => {
  let server: TestServer;
  const fleets: EmulatedFleet[] = [];
  const clients: Record<string, SessionClient> = {};
  const tokens: Record<string, string> = {};
  afterAll(async () => {
    await Promise.all(fleets.map((f) => f.stop()));
    await server?.close();
  });

  beforeAll(async () => {
    server = await startServer({ auth: 'on', adminPassword: 'admin password 1', maxFramesPerSecond: 1000 });
    for (const user of ['alice', 'bob']) {
      await server.app.accounts.createUser(user, 'owner password 1', 'owner');
      const c = new SessionClient(server.url);
      await c.signIn(user, 'owner password 1');
      clients[user] = c;
      const made = await c.gql<{ w: { secret: string }; k: { secret: string } }>(
        'mutation { w: createApiToken(scopes: [READ, WRITE]) { secret } k: createEnrollmentKey { secret } }',
      );
      tokens[user] = made.data?.w.secret as string;
      const fleet = emulate(server.deviceUrl, `${user}-`, 2, { credential: made.data?.k.secret });
      fleets.push(fleet);
      await fleet.start();
    }
    for (const serial of ['alice-0001', 'alice-0002', 'bob-0001', 'bob-0002'])
      await eventually(() => Promise.resolve(server.app.fleet.get(serial)?.capabilities), Boolean, 15_000);
  });

  it('lets an owner deploy their releases to their devices only, and see only their deployments', async () => {
    const alice = clients.alice as SessionClient;
    const bob = clients.bob as SessionClient;
    const mine = await publish(server.url, '1.1.0', tokens.alice);
    const theirs = await publish(server.url, '1.2.0', tokens.bob);
    const made = await alice.gql<{ createDeployment: { id: number } }>(DEPLOY, {
      i: { releaseId: mine, all: true, healthSeconds: 0 },
    });
    const id = made.data?.createDeployment.id as number;
    const d = await eventually(
      async () => (await alice.gql<{ deployment: Shown }>(SHOW, { id })).data?.deployment,
      (x) => x !== undefined && finished(x),
      30_000,
    );
    // `all` is every device of hers, and nothing of Bob's.
    expect(d?.devices.map((x) => x.serial).sort()).toEqual(['alice-0001', 'alice-0002']);
    const forbidden = async (c: SessionClient, query: string, variables: Record<string, unknown> = {}) =>
      (await c.gql(query, variables)).errors?.[0]?.message;
    expect(await forbidden(bob, DEPLOY, { i: { releaseId: mine, all: true } })).toBe(`no release ${mine} of yours`);
    expect(await forbidden(bob, DEPLOY, { i: { releaseId: theirs, serials: ['alice-0001'] } })).toBe(
      'no device alice-0001 of yours',
    );
    expect(await forbidden(bob, SHOW, { id })).toBe(`no deployment ${id} of yours`);
    expect(await forbidden(bob, `mutation { cancelDeployment(id: ${id}) { state } }`)).toBe(`no deployment ${id} of yours`);
    expect((await bob.gql<{ deployments: unknown[] }>('{ deployments { id } }')).data?.deployments).toEqual([]);
    expect(
      (await bob.gql<{ device: unknown }>('{ device(serial: "alice-0001") { updates { state } } }')).data?.device,
    ).toBeNull();
    const none = new SessionClient(server.url);
    for (const q of ['{ deployments { id } }', `{ deployment(id: ${id}) { id } }`])
      expect((await none.gql(q)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await none.gql(DEPLOY, { i: { releaseId: mine, all: true } })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }, 60_000);

  it('publishes and deploys from the command line, as a CI job does (npm run release -- publish --deploy)', async () => {
    const dir = tempDir('smartos-deploy-cli-');
    try {
      const pem = join(dir.path, 'release-key.pem');
      writeFileSync(pem, key.privateKeyPem);
      const file = join(dir.path, 'solmate-fw.bin');
      writeFileSync(file, artifact);
      const cli = (...extra: string[]) =>
        runNode(
          [
            'agent/release/cli.ts',
            'publish',
            '--file',
            file,
            '--version',
            '2.5.0',
            '--key',
            pem,
            '--server',
            server.url,
            ...extra,
          ],
          { SMARTOS_TOKEN: tokens.alice as string },
        );
      const bad = await cli('--deploy', '--where', 'serial ==');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/--where: "serial ==": a value is missing/);
      const ok = await cli('--target', 'serial != alice-0002', '--deploy', '--phases', '50,100', '--health-seconds', '0');
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/Published solmate-fw 2\.5\.0 as release \d+/);
      const id = Number(/Deployment (\d+): 1 devices in phases 50 → 100 %, 1 skipped/.exec(ok.stdout)?.[1]);
      expect(id).toBeGreaterThan(0);
      const alice = clients.alice as SessionClient;
      const d = await eventually(
        async () => (await alice.gql<{ deployment: Shown }>(SHOW, { id })).data?.deployment,
        (x) => x !== undefined && finished(x),
        30_000,
      );
      expect(Object.fromEntries(d?.devices.map((x) => [x.serial, x.state]) ?? [])).toEqual({
        'alice-0001': 'HEALTHY',
        'alice-0002': 'SKIPPED',
      });
    } finally {
      dir.remove();
    }
  }, 60_000);
});
