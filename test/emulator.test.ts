import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data } from './support/graphql.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';
import { SessionClient } from './support/session.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = ['--import', 'tsx', 'agent/emulator/cli.ts'];

interface Run {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], options: { pty?: boolean; env?: NodeJS.ProcessEnv } = {}): Run {
  const env = { ...process.env, DATA_DIR: '', ...options.env };
  // A pseudo-terminal through `script`, so the emulator sees a terminal and asks its questions.
  const proc = options.pty
    ? spawn('script', ['-qfec', [process.execPath, ...CLI, ...args].join(' '), '/dev/null'], { cwd: root, env })
    : spawn(process.execPath, [...CLI, ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => stripVTControlCharacters(output), exited };
}

interface Fleet {
  devices: { totalCount: number; nodes: Array<{ serial: string; params: Record<string, unknown> }> };
}
const FLEET =
  'query($s: String) { devices(limit: 500, where: [{ field: "serial", op: STARTS_WITH, value: $s }]) { totalCount nodes { serial params } } }';

describe('the fleet emulator', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('plays N SolMates with sensible values, without asking when told everything', async () => {
    const emulator = run([
      '--url',
      server.deviceUrl,
      '--devices',
      '12',
      '--serial-start',
      '100',
      '--pattern',
      'sine',
      '--max',
      '340',
      '--min-sleep',
      '0.05',
      '--max-sleep',
      '0.2',
      '--duration',
      '2',
    ]);
    expect(await emulator.exited).toBe(0);
    expect(emulator.output()).toMatch(/done after 2\.\d s\. .*errors 0 .*12 device\(s\) connected at some point/);
    const { devices } = await data<Fleet>(server.url, FLEET, { s: '01' });
    expect(devices.totalCount).toBe(12);
    expect(devices.nodes.map((n) => n.serial)).toEqual(Array.from({ length: 12 }, (_, i) => `0${100 + i}`));
    for (const { params } of devices.nodes) {
      expect(['v1', 'v2']).toContain(params.solmate_version);
      expect(params.pv_connectors).toBe(params.solmate_version === 'v2' ? 2 : 1);
      expect(params.battery).toBeGreaterThanOrEqual(0);
      expect(params.battery).toBeLessThanOrEqual(100); // percent
      for (const p of ['power_income', 'power_inject', 'power_consumption']) {
        expect(params[p]).toBeGreaterThanOrEqual(0);
        expect(params[p]).toBeLessThanOrEqual(340);
      }
      expect(['AT', 'DE', 'CH', 'IT', 'SI']).toContain(params.country);
      expect([params.meassuring, params.charging, params.injecting].filter(Boolean)).toHaveLength(1);
      if (params.solmate_version === 'v2') expect(params.local_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    }
  });

  it('plays v2 SolMates that take commands (switch-mode, set of their settings), and v1 ones on request', async () => {
    const emulator = run([
      '--url',
      server.deviceUrl,
      '--devices',
      '3',
      '--serial-start',
      '700',
      '--min-sleep',
      '0.2',
      '--max-sleep',
      '0.5',
      '--duration',
      '8',
    ]);
    const v1 = run([
      '--url',
      server.deviceUrl,
      '--devices',
      '1',
      '--serial-start',
      '800',
      '--protocol',
      '1',
      '--duration',
      '4',
      '--min-sleep',
      '0.2',
      '--max-sleep',
      '0.5',
    ]);
    const caps = async () =>
      (
        await data<{
          devices: {
            nodes: Array<{ serial: string; protocol: number; capabilities: { commands: Array<{ name: string }> } | null }>;
          };
        }>(
          server.url,
          '{ devices(where: [{ field: "serial", op: STARTS_WITH, value: "0" }], limit: 100) { nodes { serial protocol capabilities } } }',
        )
      ).devices.nodes;
    const nodes = await eventually(
      caps,
      (n) => n.filter((d) => d.capabilities).length === 3 && n.some((d) => d.serial === '0800'),
      8000,
    );
    expect(nodes.find((d) => d.serial === '0700')?.capabilities?.commands.map((c) => c.name)).toEqual([
      'switch-mode',
      'reboot',
      'update',
    ]);
    expect(nodes.find((d) => d.serial === '0800')).toMatchObject({ protocol: 1, capabilities: null });
    const job = async (id: string) =>
      (
        await data<{ job: { counts: { SUCCEEDED: number; REJECTED: number; SKIPPED: number } } }>(
          server.url,
          `{ job(id: "${id}") { counts { SUCCEEDED REJECTED SKIPPED } } }`,
        )
      ).job.counts;
    const sent = await data<{ sendCommand: { id: string } }>(
      server.url,
      'mutation { sendCommand(input: { serials: ["0700", "0701", "0702", "0800"], name: "switch-mode", args: { mode: "charging" } }) { id } }',
    );
    expect(
      await eventually(
        () => job(sent.sendCommand.id),
        (c) => c.SUCCEEDED === 3,
      ),
    ).toMatchObject({ SUCCEEDED: 3, SKIPPED: 1 });
    const charging = async () =>
      (await data<{ device: { params: { charging: boolean } } }>(server.url, '{ device(serial: "0700") { params } }')).device
        .params;
    expect((await eventually(charging, (p) => p.charging)).charging).toBe(true);
    const bad = await data<{ sendCommand: { id: string } }>(
      server.url,
      'mutation { sendCommand(input: { serials: ["0701"], name: "set", args: { values: { battery: 5 } } }) { id } }',
    );
    expect(
      await eventually(
        () => job(bad.sendCommand.id),
        (c) => c.REJECTED === 1,
      ),
    ).toMatchObject({ REJECTED: 1 });
    await data(server.url, 'mutation { setDesired(serial: "0702", values: { battery_reserve: 25 }) { id } }');
    const reserve = async () =>
      (await data<{ device: { params: { battery_reserve: number } } }>(server.url, '{ device(serial: "0702") { params } }'))
        .device.params;
    expect((await eventually(reserve, (p) => p.battery_reserve === 25)).battery_reserve).toBe(25);
    expect(await emulator.exited).toBe(0);
    expect(await v1.exited).toBe(0);
  }, 20_000);

  it('plays SolMates that read their fleet over the IoT channel (--peers) and report its average battery', async () => {
    const emulator = run([
      '--url',
      server.deviceUrl,
      '--devices',
      '5',
      '--serial-start',
      '900',
      '--min-sleep',
      '0.1',
      '--max-sleep',
      '0.3',
      '--peers',
      '200',
      '--duration',
      '3',
    ]);
    expect(await emulator.exited).toBe(0);
    const { devices } = await data<Fleet>(server.url, FLEET, { s: '090' });
    expect(devices.totalCount).toBe(5);
    for (const { params } of devices.nodes) {
      // Lab mode: unclaimed SolMates read the other unclaimed devices, these five among them.
      expect(params.peers_online).toBeGreaterThanOrEqual(5);
      expect(params.fleet_battery_avg).toBeGreaterThanOrEqual(0);
      expect(params.fleet_battery_avg).toBeLessThanOrEqual(100);
    }
  });

  it('plays any device described by a profile file', async () => {
    const emulator = run([
      '--url',
      server.deviceUrl,
      '--profile',
      'agent/profiles/weather-station.json',
      '--devices',
      '4',
      '--rate',
      '40',
      '--duration',
      '2',
    ]);
    expect(await emulator.exited).toBe(0);
    // It announces the profile's device, not SolMate values.
    expect(emulator.output()).toMatch(
      /emulating 4 .* device\(s\) against .*: \d+ parameter\(s\) \(.*temperature.*\) as the profile says/,
    );
    expect(emulator.output()).not.toMatch(/values up to/);
    const { devices } = await data<Fleet>(server.url, FLEET, { s: 'ws-' });
    expect(devices.nodes.map((n) => n.serial)).toEqual(['ws-0001', 'ws-0002', 'ws-0003', 'ws-0004']);
    for (const { params } of devices.nodes) {
      expect(params.temperature).toBeGreaterThanOrEqual(-5);
      expect(params.temperature).toBeLessThanOrEqual(28);
      expect(['clear', 'cloudy', 'rain', 'fog', 'snow']).toContain(params.sky);
      expect(typeof params.heater_on).toBe('boolean');
      expect(params.firmware).toBe('ws-2.3.1');
    }
    const { parameters } = await data<{ parameters: Array<{ name: string; kind: string }> }>(
      server.url,
      '{ parameters { name kind } }',
    );
    expect(parameters).toContainEqual({ name: 'pressure', kind: 'NUMBER' });
  });

  it('asks the original questions in a terminal with defaults, and asks afresh after a wrong answer', async () => {
    const emulator = run(['--url', server.deviceUrl, '--serial-start', '7000', '--duration', '2'], { pty: true });
    const answer = async (question: RegExp, text: string) => {
      await eventually(emulator.output, (o) => question.test(o), 10_000);
      emulator.proc.stdin?.write(text);
    };
    await answer(/How many devices\? \(10\)/, 'three\r');
    // Asked again with an empty field: what is typed next is not appended to "three".
    await answer(/three is not an answer: a number, please[\s\S]*How many devices\?/, '3\r');
    await answer(/Strict monotone behaviour\? \(y\/n\) \(n\)/, 'maybe\r');
    await answer(/maybe is not an answer: answer y or n/, 'y\r');
    await answer(/Sine curve behaviour\? \(y\/n\)/, 'y\r');
    await answer(/Maximum value\? \(340\)/, '\r'); // Enter: the default
    await answer(/Minimum sleep between two values \(seconds\)\? \(1\)/, '0.1\r');
    await answer(/Maximum sleep between two values/, '0.05\r'); // below the minimum: asked again
    await answer(/0\.05 is not an answer: at least 0\.1/, '0.3\r');
    expect(await emulator.exited).toBe(0);
    expect(emulator.output()).not.toMatch(/three3|abc/);
    expect(emulator.output()).toMatch(/emulating 3 SolMate device\(s\) .*sine values up to 340, every 0\.1–0\.3 s/);
    const { devices } = await data<Fleet>(server.url, FLEET, { s: '70' });
    expect(devices.totalCount).toBe(3);
    for (const { params } of devices.nodes) expect(params.power_consumption).toBeLessThanOrEqual(340);
  });

  it('asks nothing in a terminal when the command line says anything: the README line runs as it is', async () => {
    const emulator = run(
      [
        '--url',
        server.deviceUrl,
        '--serial-start',
        '7100',
        '--devices',
        '2',
        '--pattern',
        'sine',
        '--min-sleep',
        '0.1',
        '--max-sleep',
        '0.3',
        '--duration',
        '1.5',
      ],
      { pty: true },
    );
    expect(await emulator.exited).toBe(0);
    expect(emulator.output()).not.toMatch(/\?/);
    expect(emulator.output()).toMatch(/emulating 2 SolMate device\(s\) .*sine values up to 340, every 0\.1–0\.3 s/);
  });

  it('says when another emulator takes its serials over, and yields them instead of fighting', async () => {
    const base = [
      '--url',
      server.deviceUrl,
      '--serial-start',
      '7200',
      '--devices',
      '3',
      '--min-sleep',
      '0.1',
      '--max-sleep',
      '0.2',
    ];
    const first = run([...base, '--duration', '4']);
    await eventually(first.output, (o) => /emulating 3/.test(o), 10_000);
    await new Promise((r) => setTimeout(r, 800));
    const second = run([...base, '--duration', '2']);
    expect(await second.exited).toBe(0);
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/3 taken over by another connection with the same serial .*--serial-start/);
    expect(second.output()).not.toMatch(/taken over/);
  });

  it('does not wait for answers when stdin is not a terminal', async () => {
    const emulator = run(['--url', server.deviceUrl, '--serial-start', '8000', '--duration', '1']);
    emulator.proc.stdin?.end('5\n');
    expect(await emulator.exited).toBe(0);
    expect(emulator.output()).toMatch(/emulating 10 SolMate device\(s\).*random values up to 340/);
  });

  it('stops cleanly on Ctrl-C with a summary', async () => {
    const emulator = run([
      '--url',
      server.deviceUrl,
      '--devices',
      '3',
      '--serial-start',
      '9000',
      '--min-sleep',
      '0.1',
      '--max-sleep',
      '0.2',
    ]);
    await eventually(
      () => data<Fleet>(server.url, FLEET, { s: '90' }),
      (r) => r.devices.totalCount === 3,
      10_000,
    );
    emulator.proc.kill('SIGINT');
    expect(await emulator.exited).toBe(0);
    expect(emulator.output()).toMatch(/stopped after \d+\.\d s\. .*3 device\(s\) connected at some point/);
  });

  it('exits non-zero when nothing can connect', async () => {
    const emulator = run(['--url', 'ws://127.0.0.1:9/update/', '--devices', '2', '--duration', '5']);
    expect(await emulator.exited).toBe(1);
    expect(emulator.output()).toMatch(/cannot connect to ws:\/\/127\.0\.0\.1:9\/update\/: .*ECONNREFUSED/);
  });

  it('refuses bad flags and bad profiles with a clear message', async () => {
    const bad = run(['--devices', 'many']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/devices: .*number/i);
    const dir = tempDir();
    const file = join(dir.path, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'x',
        parameters: [
          { name: 'bad name', kind: 'number' },
          { name: 'label', kind: 'string' },
        ],
      }),
    );
    const badProfile = run(['--profile', file, '--devices', '1']);
    expect(await badProfile.exited).toBe(2);
    expect(badProfile.output()).toMatch(/invalid profile .*bad\.json:\n\s+parameters\.0\.name: names are/);
    expect(badProfile.output()).toMatch(/label: a string parameter needs values/);
    dir.remove();
  });
});

describe('the fleet emulator against a server with accounts', () => {
  it('finds the local enrollment key, so its devices belong to the admin without typing anything', async () => {
    const server = await startServer({ auth: 'on', adminPassword: 'admin password 1', deviceAuth: 'required' });
    try {
      const base = ['--url', server.deviceUrl, '--devices', '3', '--min-sleep', '0.1', '--max-sleep', '0.3', '--duration', '1.5'];
      const emulator = run([...base, '--data-dir', server.dataDir]);
      expect(await emulator.exited).toBe(0);
      expect(emulator.output()).toContain('using the local enrollment key');
      const admin = new SessionClient(server.url);
      await admin.signIn('admin', 'admin password 1');
      const owners = await admin.gql<{ devices: { nodes: Array<{ owner: string }> } }>('{ devices { nodes { owner } } }');
      expect(owners.data?.devices.nodes.map((n) => n.owner)).toEqual(['admin', 'admin', 'admin']);
      // DATA_DIR names the server's folder for the emulator too.
      const viaEnv = run(base, { env: { DATA_DIR: server.dataDir } });
      expect(await viaEnv.exited).toBe(0);
      expect(viaEnv.output()).toContain(`using the local enrollment key in ${server.dataDir}/enrollment.key`);
      // Without the key, a server that requires credentials refuses it with a clear message.
      const refused = run([...base, '--data-dir', '/nonexistent']);
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toMatch(/cannot connect to .*401/);
      const bad = run([...base, '--token', 'nope']);
      expect(await bad.exited).toBe(2);
      expect(bad.output()).toContain('a device token starts with sos_d_');
    } finally {
      await server.close();
    }
  });
});
