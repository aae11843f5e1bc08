import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDevice } from './support/device.ts';
import { runNode } from './support/process.ts';
import { providers } from './support/providers.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';
import { SessionClient } from './support/session.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const ADMIN = 'admin password 1';

function admin(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/admin-cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, ADMIN_PASSWORD: '', DATABASE_URL: '', ...env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const adminAsync = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runNode(['server/admin-cli.ts', ...args], { ADMIN_PASSWORD: '', DATABASE_URL: '', ...env });

/** Devices and their values as an admin sees them. */
async function fleet(server: TestServer): Promise<unknown> {
  const c = new SessionClient(server.url);
  await c.signIn('admin', ADMIN);
  const r = await c.gql<{ devices: { nodes: unknown[] } }>(
    '{ devices(orderBy: [{field: "serial"}]) { nodes { serial owner params history(name: "v", since: "2000-01-01T00:00:00Z") { t avg } } } }',
  );
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.devices.nodes;
}

describe('npm run admin: accounts', () => {
  let server: TestServer;
  afterAll(() => server?.close());

  it('creates users, lists them, and makes an enrollment key that registers devices to its owner', async () => {
    server = await startServer({ auth: 'on', adminPassword: ADMIN });
    const at = ['--data-dir', server.dataDir];
    const created = admin(['create-user', '--username', 'carol', ...at]);
    expect(created.status, created.stderr).toBe(0);
    const password = /password: (\S+)/.exec(created.stdout)?.[1] as string;
    expect((await new SessionClient(server.url).signIn('carol', password)).data).toEqual({
      signIn: { username: 'carol', role: 'OWNER' },
    });

    expect(admin(['create-user', '--username', 'carol', ...at]).stderr).toMatch(/carol exists already/);
    expect(admin(['create-user', '--username', 'dave', '--role', 'boss', ...at]).stderr).toMatch(/--role is owner or admin/);
    expect(admin(['create-user', ...at]).stderr).toMatch(/needs --username/);

    const listed = admin(['list-users', ...at]);
    expect(listed.stdout).toMatch(/^admin\s+admin\s+\S+\s+active$/m);
    expect(listed.stdout).toMatch(/^carol\s+owner\s+\S+\s+active$/m);

    const key = admin(['create-enrollment-key', '--username', 'carol', '--label', 'garage', ...at]);
    expect(key.status, key.stderr).toBe(0);
    const secret = /Enrollment key for carol: (\S+)/.exec(key.stdout)?.[1] as string;
    const d = await connectDevice(`${server.deviceUrl}?token=${secret}`);
    expect((await d.update(1, 'garage-1', { v: 1 })).ok).toBe(true);
    await d.close();
    const carol = new SessionClient(server.url);
    await carol.signIn('carol', password);
    expect((await carol.gql('{ devices { nodes { serial owner } } }')).data).toEqual({
      devices: { nodes: [{ serial: 'garage-1', owner: 'carol' }] },
    });
    expect(admin(['create-enrollment-key', '--username', 'nobody', ...at]).stderr).toMatch(/no user nobody/);
  });

  it('explains itself: usage for an unknown command, a bad setting in one line', () => {
    const unknown = admin(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/usage: npm run admin -- <command>/);
    expect(admin(['--help']).stdout).toMatch(/backup <file>/);
    expect(admin(['list-users', '--data-dir', '/tmp', '--port', 'x']).stderr).toMatch(/PORT \(--port\)/);
  });
});

for (const provider of await providers()) {
  describe.skipIf(!provider.available)(`npm run admin: backup and restore on ${provider.name}`, () => {
    it('backs up while the server writes, and a restored copy serves the same fleet and history', async () => {
      const db = await provider.create();
      const restored = await provider.create();
      const dirs = [tempDir(), tempDir(), tempDir()];
      const [dataA, dataB, files] = dirs.map((d) => d.path) as [string, string, string];
      const urlA = provider.name === 'sqlite' ? '' : db.url;
      const urlB = provider.name === 'sqlite' ? '' : restored.url;
      let server = await startServer({
        auth: 'on',
        adminPassword: ADMIN,
        dataDir: dataA,
        ...(urlA ? { databaseUrl: urlA } : {}),
      });
      try {
        const d = await connectDevice(server.deviceUrl);
        for (let i = 1; i <= 20; i++) expect((await d.update(i, `bk-${i % 3}`, { v: i, s: `x${i}` })).ok).toBe(true);
        const before = await fleet(server);
        const file = join(files, `smart-os.${provider.name === 'sqlite' ? 'db' : 'dump'}`);
        // Online: the server keeps running (and the device keeps writing) during the backup.
        const writing = (async () => {
          for (let i = 21; i <= 40; i++) await d.update(i, 'bk-live', { v: i });
        })();
        // Not spawnSync: the server (in this process) must go on committing while the backup runs.
        const [backedUp] = await Promise.all([
          adminAsync(['backup', file, '--data-dir', dataA], urlA ? { DATABASE_URL: urlA } : {}),
          writing,
        ]);
        expect(backedUp.status, backedUp.stderr).toBe(0);
        expect(backedUp.stdout).toMatch(/Backed up the \w+ database to .* \(\d+ bytes\)/);
        expect(admin(['backup', file, '--data-dir', dataA], urlA ? { DATABASE_URL: urlA } : {}).stderr).toMatch(
          /exists; give a new file name/,
        );

        if (provider.name === 'sqlite') {
          // Not under a running server.
          expect(admin(['restore', file, '--data-dir', dataA]).stderr).toMatch(/in use: stop the server first/);
        }
        const junk = join(files, 'junk.db');
        writeFileSync(junk, 'not a database');
        expect(admin(['restore', junk, '--data-dir', dataB], urlB ? { DATABASE_URL: urlB } : {}).status).toBe(1);

        await d.close();
        await server.close();
        const restoredRun = admin(['restore', file, '--data-dir', dataB], urlB ? { DATABASE_URL: urlB } : {});
        expect(restoredRun.status, restoredRun.stderr).toBe(0);
        server = await startServer({ auth: 'on', adminPassword: ADMIN, dataDir: dataB, ...(urlB ? { databaseUrl: urlB } : {}) });
        const after = (await fleet(server)) as Array<{ serial: string }>;
        expect(after.filter((n) => n.serial !== 'bk-live')).toEqual(before);
        if (provider.name === 'sqlite') expect(existsSync(join(dataB, 'smart-os.db'))).toBe(true);
      } finally {
        await server.close();
        await db.drop();
        await restored.drop();
        for (const d of dirs) d.remove();
      }
    });
  });
}
