import { afterAll, describe, expect, it } from 'vitest';
import { connectDevice } from './support/device.ts';
import { data } from './support/graphql.ts';
import { HookReceiver } from './support/hooks.ts';
import { killAll, type ServerProcess, spawnServer } from './support/process.ts';
import { tempDir } from './support/server.ts';
import { createPgDatabase, postgresAvailable, REDIS_URL, redisAvailable } from './support/services.ts';
import { eventually } from './support/wait.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function makeRule(url: string, input: Record<string, unknown>): Promise<number> {
  const made = await data<{ createAlertRule: { id: number } }>(
    url,
    'mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }',
    { i: input },
  );
  return made.createAlertRule.id;
}

async function hookChannel(url: string, target: string): Promise<number> {
  const made = await data<{ createNotificationChannel: { channel: { id: number } } }>(
    url,
    `mutation { createNotificationChannel(name: "hook", kind: "WEBHOOK", target: "${target}") { channel { id } } }`,
  );
  return made.createNotificationChannel.channel.id;
}

async function stateOf(url: string, ruleId: number, serial: string): Promise<string> {
  const { alerts } = await data<{ alerts: Array<{ serial: string; state: string; rule: { id: number } }> }>(
    url,
    `{ alerts(ruleId: ${ruleId}) { serial state rule { id } } }`,
  );
  return alerts.find((a) => a.serial === serial)?.state ?? 'OK';
}

async function firedAt(url: string, serial: string): Promise<number[]> {
  const { device } = await data<{ device: { alerts: Array<{ to: string; at: string }> } }>(
    url,
    `{ device(serial: "${serial}") { alerts { to at } } }`,
  );
  return device.alerts.filter((e) => e.to === 'FIRING').map((e) => Date.parse(e.at));
}

describe('alerts survive kill -9 (SQLite)', () => {
  const dir = tempDir();
  const hook = new HookReceiver();
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await killAll([server]);
    await hook.close();
    dir.remove();
  });
  const start = async () => {
    server = await spawnServer(['--data-dir', dir.path], { ALERT_RESTART_GRACE_SECONDS: '2' });
    return server;
  };

  it('fires a PENDING alert when it would have, keeps a FIRING one without a second notification, and sends what the crash left in the outbox', async () => {
    await hook.start();
    let s = await start();
    const channel = await hookChannel(s.url, hook.url);
    const device = await connectDevice(s.deviceUrl);
    expect((await device.update(0, 'k1', { battery: 50 })).ok).toBe(true);
    const rule = await makeRule(s.url, {
      name: 'low',
      parameter: 'battery',
      op: 'LT',
      threshold: 10,
      forSeconds: 6,
      notify: [channel],
    });
    expect((await device.update(1, 'k1', { battery: 5 })).ok).toBe(true);
    const crossed = Date.now();
    await eventually(
      () => stateOf(s.url, rule, 'k1'),
      (st) => st === 'PENDING',
    );
    await sleep(1500);
    s.proc.kill('SIGKILL');
    await s.exited;
    device.ws.terminate();
    s = await start();
    const restarted = Date.now();
    await eventually(
      () => stateOf(s.url, rule, 'k1'),
      (st) => st === 'FIRING',
      15_000,
    );
    const [fired] = await firedAt(s.url, 'k1');
    // At the time it would have fired, not forSeconds after the restart.
    expect(fired).toBeGreaterThanOrEqual(crossed + 5900);
    expect(fired).toBeLessThan(restarted + 5000);
    await eventually(
      () => hook.of('FIRING', 'k1').length,
      (n) => n === 1,
    );

    // Mid-FIRING (its notification sent and marked so): no second notification after the restart.
    await eventually(
      async () => (await data<{ notifications: Array<{ state: string }> }>(s.url, '{ notifications { state } }')).notifications,
      (n) => n.length === 1 && n[0]?.state === 'SENT',
    );
    s.proc.kill('SIGKILL');
    await s.exited;
    s = await start();
    await sleep(3000);
    expect(await stateOf(s.url, rule, 'k1')).toBe('FIRING');
    expect(hook.of('FIRING', 'k1')).toHaveLength(1);
    const again = await connectDevice(s.deviceUrl);
    hook.hangNext = 1;
    expect((await again.update(2, 'k1', { battery: 60 })).ok).toBe(true);
    // The RESOLVED notification is on its way when the server dies: sent after the restart, once.
    await eventually(
      () => hook.hung,
      (n) => n === 1,
    );
    s.proc.kill('SIGKILL');
    await s.exited;
    again.ws.terminate();
    s = await start();
    const resolved = await eventually(
      () => hook.of('RESOLVED', 'k1'),
      (c) => c.length === 1,
      15_000,
    );
    expect(resolved[0]?.json.state).toBe('RESOLVED');
    expect(hook.of('FIRING', 'k1')).toHaveLength(1);
  }, 120_000);

  it('does not fire a presence rule because the server was down', async () => {
    const s = server as ServerProcess;
    const channel = await hookChannel(s.url, hook.url);
    const device = await connectDevice(s.deviceUrl);
    expect((await device.update(0, 'k2', { battery: 50 })).ok).toBe(true);
    await makeRule(s.url, {
      name: 'gone',
      where: [{ field: 'serial', op: 'EQUALS', value: 'k2' }],
      parameter: 'online',
      op: 'EQUALS',
      threshold: false,
      forSeconds: 3,
      notify: [channel],
    });
    s.proc.kill('SIGKILL');
    await s.exited;
    device.ws.terminate();
    await sleep(4000);
    const next = await spawnServer(['--data-dir', dir.path], { ALERT_RESTART_GRACE_SECONDS: '2' });
    server = next;
    const back = await connectDevice(next.deviceUrl);
    expect((await back.update(1, 'k2', { battery: 51 })).ok).toBe(true);
    await sleep(5000);
    expect(hook.of('FIRING', 'k2')).toHaveLength(0);
    back.ws.terminate();
  }, 60_000);
});

const services = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!services)('alerts on two instances (PostgreSQL and Redis)', () => {
  const dirs = [tempDir(), tempDir()];
  const hook = new HookReceiver();
  let database: { url: string; drop(): Promise<void> };
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  afterAll(async () => {
    await killAll([a, b]);
    await database?.drop();
    await hook.close();
    for (const d of dirs) d.remove();
  });

  it('notifies exactly once, and the other instance takes over from a dead one', async () => {
    await hook.start();
    database = await createPgDatabase();
    const flags = (dir: string) => [
      '--data-dir',
      dir,
      '--database-url',
      database.url,
      '--redis-url',
      REDIS_URL,
      '--lease-seconds',
      '3',
    ];
    [a, b] = await Promise.all([spawnServer(flags(dirs[0]?.path ?? '')), spawnServer(flags(dirs[1]?.path ?? ''))]);
    const channel = await hookChannel(a.url, hook.url);
    const rule = await makeRule(a.url, { name: 'low', parameter: 'battery', op: 'LT', threshold: 10, notify: [channel] });
    const device = await connectDevice(b.deviceUrl);
    expect((await device.update(0, 't1', { battery: 50 })).ok).toBe(true);
    expect((await device.update(1, 't1', { battery: 5 })).ok).toBe(true);
    await eventually(
      () => hook.of('FIRING', 't1').length,
      (n) => n === 1,
      10_000,
    );
    await sleep(2000);
    expect(hook.of('FIRING', 't1')).toHaveLength(1);
    // The instance evaluating says so in its log; kill it, and the other takes the lease over.
    const leader = a.output().includes('evaluating alert rules here') ? a : b;
    const other = leader === a ? b : a;
    leader.proc.kill('SIGKILL');
    await leader.exited;
    const survivor = await connectDevice(other.deviceUrl);
    expect((await survivor.update(2, 't1', { battery: 60 })).ok).toBe(true);
    await eventually(
      () => hook.of('RESOLVED', 't1').length,
      (n) => n === 1,
      40_000,
    );
    expect(await stateOf(other.url, rule, 't1')).toBe('RESOLVED');
    await sleep(2000);
    expect(hook.of('RESOLVED', 't1')).toHaveLength(1);
    expect(hook.of('FIRING', 't1')).toHaveLength(1);
    device.ws.terminate();
    survivor.ws.terminate();
  }, 120_000);
});
