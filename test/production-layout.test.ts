// What can be checked here of the packaging (no container engine runs on this machine): the runtime
// stage's layout, made from the Dockerfile's own COPY lines and installed with `npm ci --omit=dev`, runs
// and serves; compose.yaml parses and configures valid settings; the systemd unit verifies.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { helpText } from '../server/config.ts';
import { connectDevice } from './support/device.ts';
import { tempDir } from './support/server.ts';
import { SessionClient } from './support/session.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const settingNames = [...helpText().matchAll(/^ {2}--\S+\s+([A-Z_]+)\s/gm)].map((m) => m[1] as string);

interface Stage {
  name: string;
  lines: string[];
}

/** The Dockerfile's stages, continuation lines joined. */
function stages(): Stage[] {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const out: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const from = /^FROM \S+ AS (\S+)$/i.exec(line);
    if (from) out.push({ name: from[1] as string, lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

const stage = (name: string) => stages().find((s) => s.name === name) as Stage;
const instruction = (s: Stage, word: string) =>
  s.lines.filter((l) => l.startsWith(`${word} `)).map((l) => l.slice(word.length + 1));

describe('the production layout the Dockerfile copies', () => {
  const layout = tempDir('smartos-layout-');
  const data = tempDir('smartos-layout-data-');
  let server: ChildProcess | undefined;
  let url = '';
  let output = '';
  const runtime = stage('runtime');
  const env: Record<string, string> = {};

  beforeAll(async () => {
    // What the build stage makes (the dashboard is built by the test setup).
    execFileSync('npm', ['run', 'build:server', '--silent'], { cwd: root, stdio: 'inherit' });
    // The docs site as `npm start` makes it: built once per checkout, again only when its sources changed.
    execFileSync('sh', ['docs/build-if-stale.sh'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    // The deps stage: its files, then its `npm ci` exactly as written.
    const deps = stage('deps');
    for (const copy of instruction(deps, 'COPY')) {
      const parts = copy.split(/\s+/);
      for (const file of parts.slice(0, -1)) cpSync(join(root, file), join(layout.path, file));
    }
    const install = instruction(deps, 'RUN').find((r) => r.startsWith('npm ci')) as string;
    expect(install).toMatch(/--omit=dev/);
    execFileSync('sh', ['-c', install], { cwd: layout.path, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
    // The runtime stage: every COPY --from=build, from this checkout.
    for (const copy of instruction(runtime, 'COPY')) {
      const m = /^--from=build \/app\/(\S+) (\S+)$/.exec(copy);
      if (!m) continue;
      const [, source, target] = m as unknown as [string, string, string];
      expect(existsSync(join(root, source)), `${source} is built`).toBe(true);
      mkdirSync(join(layout.path, target, '..'), { recursive: true });
      cpSync(join(root, source), join(layout.path, target), { recursive: true });
    }
    for (const assignment of instruction(runtime, 'ENV').join(' ').split(/\s+/)) {
      const [k, v] = assignment.split('=');
      if (k && v !== undefined) env[k] = v;
    }
    const entry = JSON.parse(instruction(runtime, 'ENTRYPOINT')[0] as string) as string[];
    server = spawn(entry[0] as string, entry.slice(1), {
      cwd: layout.path,
      // The image's environment, but a free port on loopback and a data folder of this test.
      env: {
        PATH: process.env.PATH,
        ...env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: data.path,
        ADMIN_PASSWORD: 'layout password 1',
        // Device sockets through a compiled gateway process (its entry is JavaScript, and tsx is not installed).
        DEVICE_GATEWAYS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    server.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    url = await eventually(
      () => /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1] ?? '',
      (u) => u !== '',
      30_000,
    );
  }, 300_000);

  afterAll(() => {
    server?.kill('SIGKILL');
    layout.remove();
    data.remove();
  });

  it('holds production dependencies only, and no TypeScript to run', () => {
    expect(existsSync(join(layout.path, 'node_modules/better-sqlite3'))).toBe(true);
    for (const dev of ['vitest', 'vite', 'vitepress', '@biomejs/biome', '@graphql-codegen/cli'])
      expect(existsSync(join(layout.path, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(layout.path, 'dist/server/main.js'))).toBe(true);
    expect(existsSync(join(layout.path, 'server'))).toBe(false);
  });

  it('starts, migrates, and serves the dashboard, the docs site, GraphQL and devices', async () => {
    expect(output).toContain('database migrated');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${url}/`)).text()).toContain('<div id="app">');
    expect(await (await fetch(`${url}/docs/`)).text()).toContain('SMART-OS');
    expect(await (await fetch(`${url}/docs/reference/graphql.html`)).text()).toContain('updateUser');
    expect(await (await fetch(`${url}/docs/deploy.html`)).text()).toContain('TRUST_PROXY');
    const admin = new SessionClient(url);
    expect((await admin.signIn('admin', 'layout password 1')).data).toEqual({ signIn: { username: 'admin', role: 'ADMIN' } });
    const device = await connectDevice(`${url.replace(/^http/, 'ws')}/update/`);
    expect((await device.update(1, 'layout-1', { v: 1 })).ok).toBe(true);
    expect(output).toContain('device gateway ready');
    await device.close();
    expect((await admin.gql('{ devices { totalCount } }')).data).toEqual({ devices: { totalCount: 1 } });
  });

  it('answers its HEALTHCHECK, and runs the admin CLI compiled', () => {
    const check = instruction(runtime, 'HEALTHCHECK')[0] as string;
    const command = JSON.parse(check.slice(check.indexOf('CMD ') + 4)) as string[];
    const port = new URL(url).port;
    const healthy = spawnSync(command[0] as string, command.slice(1), { cwd: layout.path, env: { ...process.env, PORT: port } });
    expect(healthy.status).toBe(0);
    const unhealthy = spawnSync(command[0] as string, command.slice(1), { cwd: layout.path, env: { ...process.env, PORT: '1' } });
    expect(unhealthy.status).toBe(1);
    const listed = spawnSync('node', ['dist/server/admin-cli.js', 'list-users'], {
      cwd: layout.path,
      env: { PATH: process.env.PATH, DATA_DIR: data.path },
      encoding: 'utf8',
    });
    expect(listed.stdout).toMatch(/^admin\s+admin/m);
  });

  it('runs as a non-root user in group 0 with a group-writable data folder, configured by the environment', () => {
    expect(instruction(runtime, 'USER')).toEqual(['10001:0']);
    expect(runtime.lines.some((l) => /chgrp -R 0 \/data && chmod -R g=u \/data/.test(l))).toBe(true);
    for (const key of Object.keys(env).filter((k) => k !== 'NODE_ENV')) expect(settingNames).toContain(key);
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; volumes?: string[]; build?: string; networks?: unknown }>;
    volumes: Record<string, unknown>;
    configs: Record<string, { content: string }>;
  };

  it('runs PostgreSQL, Redis, two SMART-OS instances and Caddy, with volumes', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['caddy', 'postgres', 'redis', 'smart-os-1', 'smart-os-2']);
    for (const [name, service] of Object.entries(compose.services))
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (!source.startsWith('.') && !source.startsWith('/'))
          expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source);
      }
    const caddy = compose.configs.caddyfile?.content ?? '';
    expect(caddy).toMatch(/reverse_proxy smart-os-1:8000 smart-os-2:8000/);
    expect(caddy).toMatch(/health_uri \/readyz/);
  });

  it('gives each instance only real settings: PostgreSQL, Redis and the balancer as the trusted proxy', () => {
    for (const name of ['smart-os-1', 'smart-os-2']) {
      const service = compose.services[name];
      expect(service?.build).toBe('.');
      const environment = service?.environment ?? {};
      for (const key of Object.keys(environment)) expect(settingNames, key).toContain(key);
      expect(environment.DATABASE_URL).toMatch(/^postgres:\/\/smartos:\$\{POSTGRES_PASSWORD:\?.*\}@postgres:5432\/smartos$/);
      expect(environment.REDIS_URL).toBe('redis://redis:6379');
      const caddy = compose.services.caddy as { networks: { fleet: { ipv4_address: string } } };
      expect(environment.TRUST_PROXY).toBe(caddy.networks.fleet.ipv4_address);
    }
  });
});

describe('the systemd unit', () => {
  const unit = join(root, 'docs/deploy/smart-os.service');
  const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  if (!hasAnalyze) console.warn('SKIPPED: systemd-analyze is not installed; the unit is checked for its settings only');

  it('is hardened and allows 100,000 devices', () => {
    const text = readFileSync(unit, 'utf8');
    for (const line of [
      'ProtectSystem=strict',
      'StateDirectory=smart-os',
      'Restart=on-failure',
      'NoNewPrivileges=yes',
      'User=smart-os',
    ])
      expect(text).toContain(line);
    expect(Number(/^LimitNOFILE=(\d+)$/m.exec(text)?.[1])).toBeGreaterThan(100_000);
    expect(text).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify without a complaint, and so does the agent’s', () => {
    for (const [file, name] of [
      [unit, 'smart-os.service'],
      [join(root, 'agent/standalone/smart-os-agent.service'), 'smart-os-agent.service'],
    ] as const) {
      const copy = join(tempDir('smartos-unit-').path, name);
      writeFileSync(copy, readFileSync(file));
      const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stderr.split('\n').filter((l) => l.includes(name))).toEqual([]);
    }
  });
});

describe('npm start', () => {
  it('-- --help prints every setting without building the dashboard or the docs', () => {
    const built = ['dashboard/dist/index.html'].map((f) => statSync(join(root, f)).mtimeMs);
    const r = spawnSync('npm', ['start', '--silent', '--', '--help'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm start -- \[flags\]/m);
    expect(['dashboard/dist/index.html'].map((f) => statSync(join(root, f)).mtimeMs)).toEqual(built);
  });

  it('agrees with the README: every setting --help lists is in its configuration table', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Security model'));
    for (const name of settingNames)
      expect(table, name).toMatch(new RegExp(`\\b${name.replace(/^MAX_SUBSCRIPTIONS_PER_USER$/, '_PER_USER')}\\b`));
  });
});
