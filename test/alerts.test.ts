import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scalar } from '../protocol/values.ts';
import { signature } from '../server/alerts/notifier.ts';
import { connectDevice, type TestDevice } from './support/device.ts';
import { HookReceiver, startSmtp } from './support/hooks.ts';
import { startServer, type TestServer } from './support/server.ts';
import { SessionClient } from './support/session.ts';
import { eventually } from './support/wait.ts';

const PASSWORD = 'owner password 1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const code = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;

interface Rule {
  id: number;
}
interface AlertRow {
  serial: string;
  state: string;
  rule: { id: number };
  acknowledgedBy: string | null;
  comment: string | null;
}

describe('alerts: rules on live values and presence, with notifications', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const hook = new HookReceiver();
  const users: Record<string, SessionClient> = {};
  const keys: Record<string, string> = {};
  let channel = 0;
  let secret = '';
  const devices = new Map<string, { d: TestDevice; n: number }>();

  /** Sends values for a device of alice's (connecting it first). */
  async function send(serial: string, values: Record<string, Scalar>, owner = 'alice') {
    let dev = devices.get(serial);
    if (!dev) {
      dev = { d: await connectDevice(server.deviceUrl, { headers: { authorization: `Bearer ${keys[owner]}` } }), n: 0 };
      devices.set(serial, dev);
    }
    expect((await dev.d.update(dev.n++, serial, values)).ok).toBe(true);
  }

  async function rule(input: Record<string, unknown>, as = 'alice'): Promise<Rule> {
    const r = await (users[as] as SessionClient).gql<{ createAlertRule: Rule }>(
      'mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }',
      { i: { notify: [channel], ...input } },
    );
    expect(r.errors).toBeUndefined();
    return r.data?.createAlertRule as Rule;
  }

  async function alerts(as = 'alice', args = ''): Promise<AlertRow[]> {
    const r = await (users[as] as SessionClient).gql<{ alerts: AlertRow[] }>(
      `{ alerts${args} { serial state rule { id } acknowledgedBy comment } }`,
    );
    return r.data?.alerts ?? [];
  }

  const stateOf = async (ruleId: number, serial: string) =>
    (await alerts()).find((a) => a.rule.id === ruleId && a.serial === serial)?.state ?? 'OK';
  const untilState = (ruleId: number, serial: string, state: string, timeoutMs = 8000) =>
    eventually(
      () => stateOf(ruleId, serial),
      (s) => s === state,
      timeoutMs,
    );

  beforeAll(async () => {
    await hook.start();
    smtp = await startSmtp();
    server = await startServer({
      auth: 'on',
      adminPassword: 'admin password 1',
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      alertNotifyAttempts: 3,
      maxFramesPerSecond: 1000,
    });
    for (const user of ['alice', 'bob']) {
      await server.app.accounts.createUser(user, PASSWORD, 'owner');
      const c = new SessionClient(server.url);
      await c.signIn(user, PASSWORD);
      users[user] = c;
      const made = await c.gql<{ createEnrollmentKey: { secret: string } }>(
        'mutation { createEnrollmentKey(label: "a") { secret } }',
      );
      keys[user] = made.data?.createEnrollmentKey.secret ?? '';
    }
    const made = await (users.alice as SessionClient).gql<{
      createNotificationChannel: { channel: { id: number }; secret: string };
    }>(`mutation { createNotificationChannel(name: "ops", kind: "WEBHOOK", target: "${hook.url}") { channel { id } secret } }`);
    channel = made.data?.createNotificationChannel.channel.id ?? 0;
    secret = made.data?.createNotificationChannel.secret ?? '';
    expect(secret).toMatch(/^sos_w_/);
  });
  afterAll(async () => {
    for (const { d } of devices.values()) d.ws.terminate();
    await server?.close();
    await hook.close();
    await smtp?.close();
  });

  it('fires below the threshold and resolves only past the clear threshold (hysteresis), signed webhooks', async () => {
    await send('h1', { battery: 50 });
    const r = await rule({
      name: 'battery low',
      where: [{ field: 'serial', op: 'EQUALS', value: 'h1' }],
      parameter: 'battery',
      op: 'LT',
      threshold: 10,
      clearThreshold: 15,
      severity: 'CRITICAL',
    });
    await send('h1', { battery: 12 });
    await sleep(200);
    expect(await stateOf(r.id, 'h1')).toBe('OK');
    await send('h1', { battery: 9 });
    await untilState(r.id, 'h1', 'FIRING');
    const fired = await eventually(
      () => hook.of('FIRING', 'h1'),
      (c) => c.length === 1,
    );
    const call = fired[0];
    expect(call?.json).toMatchObject({
      kind: 'FIRING',
      serial: 'h1',
      state: 'FIRING',
      value: 9,
      rule: { id: r.id, name: 'battery low', severity: 'CRITICAL' },
    });
    expect(call?.headers['x-smartos-signature']).toBe(
      signature(secret, String(call?.headers['x-smartos-timestamp']), call?.body ?? ''),
    );
    expect(call?.json.id).toBe(Number(call?.headers['x-smartos-delivery']));
    // Between the thresholds: still firing.
    await send('h1', { battery: 13 });
    await sleep(300);
    expect(await stateOf(r.id, 'h1')).toBe('FIRING');
    await send('h1', { battery: 16 });
    await untilState(r.id, 'h1', 'RESOLVED');
    await eventually(
      () => hook.of('RESOLVED', 'h1').length,
      (n) => n === 1,
    );
    expect(hook.of('FIRING', 'h1')).toHaveLength(1);
    const history = await (users.alice as SessionClient).gql<{
      device: { alerts: Array<{ from: string; to: string; value: unknown }> };
    }>('{ device(serial: "h1") { alerts { from to value } } }');
    expect(history.data?.device.alerts.map((e) => `${e.from}>${e.to}:${e.value}`)).toEqual(['FIRING>RESOLVED:16', 'OK>FIRING:9']);
  });

  it('waits forSeconds (PENDING) before firing; a condition that does not last goes back to OK quietly', async () => {
    await send('p1', { temp: 20 });
    const r = await rule({
      name: 'hot',
      where: [{ field: 'serial', op: 'EQUALS', value: 'p1' }],
      parameter: 'temp',
      op: 'GT',
      threshold: 80,
      forSeconds: 2,
    });
    await send('p1', { temp: 90 });
    await untilState(r.id, 'p1', 'PENDING');
    await send('p1', { temp: 50 });
    await untilState(r.id, 'p1', 'OK');
    await send('p1', { temp: 95 });
    const started = Date.now();
    await untilState(r.id, 'p1', 'PENDING');
    await untilState(r.id, 'p1', 'FIRING');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    await eventually(
      () => hook.of('FIRING', 'p1').length,
      (n) => n === 1,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.of('FIRING', 'p1')).toHaveLength(1);
  });

  it('fires for a device offline for N s (presence), and for no data of a parameter for N s', async () => {
    await send('o1', { battery: 40 });
    const offline = await rule({
      name: 'offline',
      where: [{ field: 'serial', op: 'EQUALS', value: 'o1' }],
      parameter: 'online',
      op: 'EQUALS',
      threshold: false,
      forSeconds: 1,
    });
    const noData = await rule({
      name: 'silent',
      where: [{ field: 'serial', op: 'EQUALS', value: 'o1' }],
      parameter: 'battery',
      noDataSeconds: 2,
    });
    (devices.get('o1') as { d: TestDevice }).d.ws.terminate();
    devices.delete('o1');
    await untilState(offline.id, 'o1', 'PENDING');
    await untilState(offline.id, 'o1', 'FIRING');
    await untilState(noData.id, 'o1', 'FIRING');
    await send('o1', { battery: 41 });
    await untilState(offline.id, 'o1', 'RESOLVED');
    await untilState(noData.id, 'o1', 'RESOLVED');
  });

  it('acknowledges a firing alert with a comment, which stops its reminders', async () => {
    await send('r1', { battery: 50 });
    const r = await rule({
      name: 'remind',
      where: [{ field: 'serial', op: 'EQUALS', value: 'r1' }],
      parameter: 'battery',
      op: 'LT',
      threshold: 10,
      reminderSeconds: 1,
    });
    await send('r1', { battery: 5 });
    await untilState(r.id, 'r1', 'FIRING');
    await eventually(
      () => hook.of('REMINDER', 'r1').length,
      (n) => n >= 2,
    );
    expect(code(await (users.bob as SessionClient).gql(`mutation { acknowledgeAlert(ruleId: ${r.id}, serial: "r1") }`))).toBe(
      'FORBIDDEN',
    );
    const ack = await (users.alice as SessionClient).gql(
      `mutation { acknowledgeAlert(ruleId: ${r.id}, serial: "r1", comment: "on it") }`,
    );
    expect(ack.errors).toBeUndefined();
    const row = (await alerts()).find((a) => a.rule.id === r.id);
    expect(row).toMatchObject({ state: 'FIRING', acknowledgedBy: 'alice', comment: 'on it' });
    const reminders = hook.of('REMINDER', 'r1').length;
    await sleep(2500);
    expect(hook.of('REMINDER', 'r1').length).toBeLessThanOrEqual(reminders + 1);
  });

  it('sends one summary for a rule that flaps, not a message per change', async () => {
    await send('f1', { battery: 50 });
    const r = await rule({
      name: 'flappy',
      where: [{ field: 'serial', op: 'EQUALS', value: 'f1' }],
      parameter: 'battery',
      op: 'LT',
      threshold: 10,
      flapCount: 2,
      flapSeconds: 2,
    });
    for (let i = 0; i < 5; i++) {
      await send('f1', { battery: 5 });
      await untilState(r.id, 'f1', 'FIRING');
      await send('f1', { battery: 50 });
      await untilState(r.id, 'f1', 'RESOLVED');
    }
    await eventually(
      () => hook.of('FLAPPING', 'f1').length,
      (n) => n === 1,
    );
    const sent = [...hook.of('FIRING', 'f1'), ...hook.of('RESOLVED', 'f1')];
    expect(sent).toHaveLength(2);
    expect(hook.of('FLAPPING', 'f1')[0]?.json).toMatchObject({ held: 8, state: 'RESOLVED' });
  });

  it('retries a failing webhook with backoff, and lists it dead after its attempts', async () => {
    await send('w1', { battery: 50 });
    const r = await rule({
      name: 'retry',
      where: [{ field: 'serial', op: 'EQUALS', value: 'w1' }],
      parameter: 'battery',
      op: 'LT',
      threshold: 10,
    });
    hook.failNext = 2;
    await send('w1', { battery: 1 });
    await eventually(
      () => hook.of('FIRING', 'w1').length,
      (n) => n === 1,
      15_000,
    );
    const outbox = await (users.alice as SessionClient).gql<{
      notifications: Array<{ ruleId: number; state: string; attempts: number }>;
    }>('{ notifications { ruleId state attempts } }');
    expect(outbox.data?.notifications.find((n) => n.ruleId === r.id)).toMatchObject({ state: 'SENT', attempts: 3 });
    // A channel nobody answers: dead after ALERT_NOTIFY_ATTEMPTS (3 here), then listed.
    const dead = await (users.alice as SessionClient).gql<{ createNotificationChannel: { channel: { id: number } } }>(
      'mutation { createNotificationChannel(name: "nowhere", kind: "WEBHOOK", target: "http://127.0.0.1:9/") { channel { id } } }',
    );
    const deadRule = await rule({
      name: 'dead',
      where: [{ field: 'serial', op: 'EQUALS', value: 'w1' }],
      parameter: 'battery',
      op: 'GT',
      threshold: 90,
      notify: [dead.data?.createNotificationChannel.channel.id],
    });
    await send('w1', { battery: 95 });
    const letters = await eventually(
      async () =>
        (
          await (users.alice as SessionClient).gql<{ notifications: Array<{ ruleId: number; lastError: string | null }> }>(
            '{ notifications(state: "DEAD") { ruleId lastError } }',
          )
        ).data?.notifications ?? [],
      (l) => l.some((n) => n.ruleId === deadRule.id),
      20_000,
    );
    expect(letters.find((n) => n.ruleId === deadRule.id)?.lastError).toBeTruthy();
  });

  it('sends e-mail through an SMTP server', async () => {
    const made = await (users.alice as SessionClient).gql<{
      createNotificationChannel: { channel: { id: number }; secret: string | null };
    }>(
      'mutation { createNotificationChannel(name: "mail", kind: "EMAIL", target: "ops@example.com") { channel { id } secret } }',
    );
    expect(made.data?.createNotificationChannel.secret).toBeNull();
    await send('m1', { battery: 50 });
    await rule({
      name: 'mailed',
      where: [{ field: 'serial', op: 'EQUALS', value: 'm1' }],
      parameter: 'battery',
      op: 'LT',
      threshold: 10,
      severity: 'CRITICAL',
      notify: [made.data?.createNotificationChannel.channel.id],
    });
    await send('m1', { battery: 3 });
    const mails = await eventually(
      () => smtp.mails,
      (m) => m.length > 0,
    );
    expect(mails[0]?.to).toEqual(['ops@example.com']);
    expect(mails[0]?.raw).toMatch(/Subject: \[CRITICAL\] mailed: m1 FIRING/);
    // /metrics counts firing alerts by severity (h1 resolved; r1, w1 and m1 fire).
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(Number(metrics.match(/^smartos_alerts_firing\{severity="CRITICAL"\} (\d+)/m)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it("keeps rules and alerts to their owner: another owner's devices never fire, and others see nothing", async () => {
    const r = await rule({ name: 'mine', parameter: 'battery', op: 'LT', threshold: 10 });
    await send('b-dev', { battery: 1 }, 'bob');
    await sleep(400);
    expect((await alerts()).some((a) => a.serial === 'b-dev')).toBe(false);
    const bob = users.bob as SessionClient;
    expect((await bob.gql<{ alertRules: unknown[] }>('{ alertRules { id } }')).data?.alertRules).toEqual([]);
    expect(await alerts('bob')).toEqual([]);
    expect(code(await bob.gql(`mutation { deleteAlertRule(id: ${r.id}) }`))).toBe('FORBIDDEN');
    expect(code(await bob.gql(`mutation { setAlertRuleEnabled(id: ${r.id}, enabled: false) { id } }`))).toBe('FORBIDDEN');
    expect(
      code(
        await bob.gql('mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }', {
          i: { name: 'theirs', parameter: 'battery', op: 'LT', threshold: 1, notify: [channel] },
        }),
      ),
    ).toBe('FORBIDDEN');
    const anonymous = new SessionClient(server.url);
    expect(code(await anonymous.gql('{ alertRules { id } }'))).toBe('UNAUTHENTICATED');
    expect(code(await anonymous.gql('{ alerts { serial } }'))).toBe('UNAUTHENTICATED');
  });

  it('refuses bad rules with a clear message', async () => {
    const bad = [
      [{ name: '', parameter: 'battery', op: 'LT', threshold: 1 }, /name/],
      [{ name: 'x', parameter: 'battery', op: 'LT', threshold: 'low' }, /number threshold/],
      [{ name: 'x', parameter: 'battery', op: 'LT', threshold: 10, clearThreshold: 5 }, /clear side/],
      [{ name: 'x', parameter: 'battery' }, /op and threshold/],
      [{ name: 'x', parameter: 'battery', noDataSeconds: 0 }, /noDataSeconds/],
      [{ name: 'x', parameter: 'online', op: 'GT', threshold: 1 }, /EQUALS/],
      [{ name: 'x', parameter: 'battery', op: 'LT', threshold: 1, forSeconds: -1 }, /forSeconds/],
      [{ name: 'x', parameter: 'battery', op: 'LT', threshold: { a: 1 } }, /threshold/],
    ] as const;
    for (const [input, message] of bad) {
      const r = await (users.alice as SessionClient).gql('mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }', {
        i: input,
      });
      expect(r.errors?.[0]?.message, JSON.stringify(input)).toMatch(message);
    }
  });
});
