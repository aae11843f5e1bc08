import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/process.ts';
import { tempDir } from '../support/server.ts';
import { PG_ADMIN_URL, postgresAvailable } from '../support/services.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasPg = await postgresAvailable();

/** `npm start`'s process with the given flags; resolves when it exits, with everything it wrote. */
function runToExit(flags: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...flags], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
}

describe('starting the server', () => {
  const dirs: Array<{ remove(): void }> = [];
  const dir = () => {
    const d = tempDir();
    dirs.push(d);
    return d.path;
  };
  afterAll(() => {
    for (const d of dirs) d.remove();
  });

  it('puts the first admin password in a mode-600 file, not in captured stdout or the log', async () => {
    const data = dir();
    const server = await spawnServer(['--data-dir', data], { AUTH: 'on' });
    try {
      const file = join(data, 'admin-password.txt');
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = /password: (\S+)/.exec(readFileSync(file, 'utf8'))?.[1] as string;
      expect(password.length).toBeGreaterThan(10);
      expect(server.output()).not.toContain(password);
      expect(server.output()).toContain(file);
    } finally {
      server.proc.kill('SIGTERM');
      await server.exited;
    }
  });

  it('says in one line that the port is taken, before creating anything', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const data = dir();
    try {
      const run = await runToExit(['--port', String(port), '--data-dir', data, '--log-pretty', 'false'], { AUTH: 'on' });
      expect(run.code).toBe(1);
      expect(run.err.trim()).toBe(
        `smart-os: port ${port} on 127.0.0.1 is in use by another program; stop it, or choose another with --port or PORT`,
      );
      expect(run.out).not.toMatch(/password/);
      expect(readdirSync(data)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it.skipIf(!hasPg)('creates a missing PostgreSQL database when the role may, and says how when it may not', async () => {
    const name = `smartos_missing_${Date.now().toString(36)}`;
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const role = `${name}_role`;
    try {
      const server = await spawnServer(['--data-dir', dir(), '--database-url', url.toString()]);
      server.proc.kill('SIGTERM');
      await server.exited;
      expect(server.output()).toContain('created the PostgreSQL database');
      expect((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount).toBe(1);

      await admin.query(`CREATE ROLE ${role} LOGIN NOCREATEDB`);
      const other = new URL(url);
      other.username = role;
      other.pathname = `/${name}_nope`;
      const run = await runToExit(['--port', '0', '--data-dir', dir(), '--database-url', other.toString()]);
      expect(run.code).toBe(1);
      expect(run.err.trim().split('\n')).toHaveLength(1);
      expect(run.err).toContain(`PostgreSQL database "${name}_nope" does not exist and could not be created`);
      expect(run.err).toContain(`createdb ${name}_nope`);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  it.skipIf(!hasPg)('says in one line that PostgreSQL cannot be reached', async () => {
    const run = await runToExit(['--port', '0', '--data-dir', dir(), '--database-url', 'postgres://postgres@127.0.0.1:1/x']);
    expect(run.code).toBe(1);
    expect(run.err.trim()).toMatch(/^smart-os: cannot reach PostgreSQL at 127\.0\.0\.1:1\/x: .*check DATABASE_URL/);
  });
});
