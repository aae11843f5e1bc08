import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, sha256Hex, signRelease } from '../agent/release/signature.ts';
import { ReportFilter } from '../agent/standalone/sampler.ts';
import { parseOutput } from '../agent/standalone/sources.ts';
import { data } from './support/graphql.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };

describe('values from outside the agent', () => {
  it('reads the first number, a string, or JSON of several values, scaled', () => {
    expect(parseOutput("temp=48.3'C\n", { name: 't', parse: 'number' })).toEqual({ t: 48.3 });
    expect(parseOutput('21500\n', { name: 'room', parse: 'number', scale: 0.001 })).toEqual({ room: 21.5 });
    expect(parseOutput('  eco \n', { name: 'mode', parse: 'string' })).toEqual({ mode: 'eco' });
    expect(parseOutput('{"a": 1, "b": "x", "nested": {"c": 2}}', { parse: 'json' })).toEqual({ a: 1, b: 'x' });
    expect(parseOutput('no digits here', { name: 'n', parse: 'number' })).toBe('no number in "no digits here"');
    expect(parseOutput('[1, 2]', { parse: 'json' })).toBe('JSON output must be an object of values');
  });

  it('sends a changed value only beyond its deadband and not sooner than its interval', () => {
    const filter = new ReportFilter({ cpu: { deadband: 5 }, rx: { intervalSeconds: 60 } });
    expect(filter.pick({ cpu: 10, rx: 1, up: 1 }, 0)).toEqual({ cpu: 10, rx: 1, up: 1 });
    expect(filter.pick({ cpu: 13, rx: 2, up: 1 }, 1000)).toEqual({}); // cpu within 5, rx too soon, up unchanged
    expect(filter.pick({ cpu: 16, rx: 3, up: 2 }, 61_000)).toEqual({ cpu: 16, rx: 3, up: 2 });
  });
});

describe('the standalone agent, built into one file', () => {
  let server: TestServer;
  const dir = tempDir('smartos-agent-');
  let agent: ChildProcess | undefined;
  let output = '';
  const config = join(dir.path, 'config.yaml');

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build:agent', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    // A folder with the file and nothing else: no node_modules anywhere above it.
    copyFileSync(join(root, 'dist/agent/smart-os-agent.mjs'), join(dir.path, 'smart-os-agent.mjs'));
    server = await startServer({ maxFramesPerSecond: 1000 });
    writeFileSync(join(dir.path, 'room'), '21500\n');
    writeFileSync(
      config,
      [
        `server: ${server.deviceUrl}`,
        'serial: agent-1',
        'report:',
        '  intervalSeconds: 1',
        'exec:',
        `  - command: [/bin/echo, '{"fan_rpm": 1200, "mode": "eco"}']`,
        '    parse: json',
        '    intervalSeconds: 1',
        'files:',
        `  - { name: room_c, path: ${join(dir.path, 'room')}, scale: 0.001, intervalSeconds: 1 }`,
        'settings:',
        '  fan_speed: { type: number, default: 50, min: 0, max: 100 }',
      ].join('\n'),
    );
    agent = spawn(process.execPath, ['smart-os-agent.mjs', '--config', config], {
      cwd: dir.path,
      env: { PATH: process.env.PATH },
    });
    agent.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
  }, 120_000);

  afterAll(async () => {
    agent?.kill('SIGTERM');
    await server?.close();
    dir.remove();
  });

  const params = async () =>
    (await data<{ device: { params: Record<string, unknown> } | null }>(server.url, '{ device(serial: "agent-1") { params } }'))
      .device?.params ?? {};

  it('runs without node_modules and reports its built-in collectors, commands and files', async () => {
    const p = await eventually(params, (v) => typeof v.cpu_percent === 'number' && v.room_c !== undefined, 10_000);
    for (const name of [
      'load_1',
      'memory_used_percent',
      'memory_available_bytes',
      'disk_root_used_percent',
      'uptime_s',
      'net_rx_bytes',
    ])
      expect(typeof p[name], name).toBe('number');
    expect(p).toMatchObject({
      agent_version: version,
      software_version: version,
      fan_rpm: 1200,
      mode: 'eco',
      room_c: 21.5,
      fan_speed: 50,
    });
    expect(output).toContain('connection: connecting → connected');
  });

  it('takes `set` for its configured settings only, within their bounds', async () => {
    const send = (values: Record<string, unknown>) =>
      data<{ sendCommand: { id: string } }>(
        server.url,
        'mutation($a: JSON) { sendCommand(input: { serials: ["agent-1"], name: "set", args: $a }) { id } }',
        { a: { values } },
      ).then((r) => r.sendCommand.id);
    const state = (id: string) =>
      data<{ job: { executions: Array<{ state: string; error: string | null }> } }>(
        server.url,
        'query($id: ID!) { job(id: $id) { executions { state error } } }',
        { id },
      ).then((j) => j.job.executions[0]);
    const ok = await send({ fan_speed: 80 });
    expect(
      (
        await eventually(
          () => state(ok),
          (e) => e?.state === 'SUCCEEDED',
        )
      )?.state,
    ).toBe('SUCCEEDED');
    expect((await eventually(params, (v) => v.fan_speed === 80)).fan_speed).toBe(80);
    const tooFast = await send({ fan_speed: 500 });
    expect(
      await eventually(
        () => state(tooFast),
        (e) => e?.state !== 'QUEUED' && e?.state !== 'SENT' && e?.state !== 'DELIVERED',
      ),
    ).toMatchObject({
      error: expect.stringContaining('fan_speed is at most 100'),
    });
    const notASetting = await send({ load_1: 0 });
    expect(
      await eventually(
        () => state(notASetting),
        (e) => e?.error !== null && e?.error !== undefined,
      ),
    ).toMatchObject({
      error: expect.stringContaining('load_1 is not a setting of this device'),
    });
  });

  it('refuses a bad configuration with one line per problem, naming where', () => {
    const bad = join(dir.path, 'bad.yaml');
    writeFileSync(bad, 'server: http://x\nserial: "!!"\nreport: { intervalSeconds: 0 }\nextra: 1\n');
    const r = spawnSync(process.execPath, [join(dir.path, 'smart-os-agent.mjs'), '--config', bad], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('server: must be a ws:// or wss:// URL');
    expect(r.stderr).toContain('serial: a serial is 1 to 64');
    expect(r.stderr).toContain('report.intervalSeconds:');
    expect(r.stderr).toMatch(/Unrecognized key.*extra/);
  });
});

describe('signed updates of the standalone agent', () => {
  let server: TestServer;
  const dir = tempDir('smartos-update-');
  const key = generateSigningKey();
  let agent: ChildProcess | undefined;
  let stopped = false;
  const agentDir = join(dir.path, 'agent');

  /** Like systemd with Restart=always: whatever current points to is started again when it ends. */
  const run = () => {
    if (stopped) return;
    agent = spawn(
      process.execPath,
      [join(agentDir, 'current', 'smart-os-agent.mjs'), '--config', join(dir.path, 'config.yaml')],
      {
        env: { PATH: process.env.PATH },
        stdio: 'ignore',
      },
    );
    agent.once('exit', () => setTimeout(run, 200));
  };

  const build = (version: string, out: string) =>
    execFileSync('npm', ['run', 'build:agent', '--silent'], {
      cwd: root,
      env: { ...process.env, AGENT_BUILD_VERSION: version, AGENT_BUILD_OUT: out },
      stdio: ['ignore', 'ignore', 'pipe'],
    });

  const release = async (version: string, file: string, signWith = key.privateKeyPem) => {
    const bytes = readFileSync(file);
    const identity = { kind: 'software' as const, name: 'smart-os-agent', version, sha256: sha256Hex(bytes) };
    const signature = signRelease(identity, signWith);
    const res = await fetch(`${server.url}/releases`, {
      method: 'POST',
      headers: { 'x-release-name': identity.name, 'x-release-version': version, 'x-release-signature': signature },
      body: new Uint8Array(bytes),
    });
    const body = (await res.json()) as { id: number };
    return { ...identity, id: body.id, signature };
  };

  const update = async (args: Record<string, unknown>) => {
    const id = (
      await data<{ sendCommand: { id: string } }>(
        server.url,
        'mutation($a: JSON) { sendCommand(input: { serials: ["upd-1"], name: "update", args: $a }) { id } }',
        { a: args },
      )
    ).sendCommand.id;
    return eventually(
      () =>
        data<{ job: { executions: Array<{ state: string; error: string | null; result: unknown }> } }>(
          server.url,
          'query($id: ID!) { job(id: $id) { executions { state error result } } }',
          { id },
        ).then((j) => j.job.executions[0]),
      (e) => e?.state === 'SUCCEEDED' || e?.state === 'FAILED' || e?.state === 'REJECTED',
      20_000,
    );
  };
  const version = async () =>
    (await data<{ device: { params: { agent_version?: string } } | null }>(server.url, '{ device(serial: "upd-1") { params } }'))
      .device?.params.agent_version;

  beforeAll(async () => {
    server = await startServer({ maxFramesPerSecond: 1000 });
    build('0.1.0', join(agentDir, 'versions', '0.1.0'));
    build('0.2.0', join(dir.path, 'build-0.2.0'));
    symlinkSync(join('versions', '0.1.0'), join(agentDir, 'current'));
    writeFileSync(
      join(dir.path, 'config.yaml'),
      [
        `server: ${server.deviceUrl}`,
        'serial: upd-1',
        'report: { builtins: [agent] }',
        `updates: { publicKey: "${key.publicKey}", dir: ${agentDir} }`,
      ].join('\n'),
    );
    run();
  }, 120_000);

  afterAll(async () => {
    stopped = true;
    agent?.kill('SIGKILL');
    await server?.close();
    dir.remove();
  });

  it('installs a newer signed build, switches to it, and comes back reporting its version', async () => {
    expect(await eventually(version, (v) => v === '0.1.0', 10_000)).toBe('0.1.0');
    const r = await release('0.2.0', join(dir.path, 'build-0.2.0', 'smart-os-agent.mjs'));
    const done = await update(r);
    expect(done, JSON.stringify(done)).toMatchObject({ state: 'SUCCEEDED', result: { installed: '0.2.0', restarting: true } });
    expect(await eventually(version, (v) => v === '0.2.0', 15_000)).toBe('0.2.0');
    expect(readlinkSync(join(agentDir, 'current'))).toBe(join('versions', '0.2.0'));
    expect(readlinkSync(join(agentDir, 'previous'))).toBe(join('versions', '0.1.0'));
  });

  it('refuses a release signed with another key, or whose artifact is not the one named, and stays as it is', async () => {
    const other = generateSigningKey();
    const wrong = await release('0.3.0', join(agentDir, 'versions', '0.1.0', 'smart-os-agent.mjs'), other.privateKeyPem);
    expect(await update(wrong)).toMatchObject({
      state: 'FAILED',
      error: expect.stringContaining('refused: the signature does not match'),
    });
    const good = await release('0.4.0', join(agentDir, 'versions', '0.1.0', 'smart-os-agent.mjs'));
    expect(await update({ ...good, sha256: 'a'.repeat(64) })).toMatchObject({
      state: 'FAILED',
      error: expect.stringContaining('refused: the artifact is not the one the release names'),
    });
    expect(await update({ ...good, version: '../../etc' })).toMatchObject({
      state: 'FAILED',
      error: expect.stringContaining('bad update'),
    });
    expect(readlinkSync(join(agentDir, 'current'))).toBe(join('versions', '0.2.0'));
    expect(await version()).toBe('0.2.0');
  });
});
