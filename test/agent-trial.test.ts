import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../agent/device.ts';
import { beginTrial, superviseTrial } from '../agent/standalone/trial.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';
import { eventually } from './support/wait.ts';

const launch = fileURLToPath(new URL('../agent/standalone/launch.sh', import.meta.url));

/** An agent folder with two versions: 1.0.0 runs; 2.0.0 is `current`, on trial. */
function agentDir(newVersionSource: string) {
  const dir = tempDir('smartos-trial-');
  for (const [v, source] of [
    ['1.0.0', 'console.log("1.0.0 runs")'],
    ['2.0.0', newVersionSource],
  ]) {
    mkdirSync(join(dir.path, 'versions', v as string), { recursive: true });
    writeFileSync(join(dir.path, 'versions', v as string, 'smart-os-agent.mjs'), source as string);
  }
  symlinkSync(join('versions', '2.0.0'), join(dir.path, 'current'));
  beginTrial(dir.path, { version: '2.0.0', previous: join('versions', '1.0.0'), mark: '2.0.0#41', healthSeconds: 30 });
  return dir;
}

describe('a new agent version on trial', () => {
  let server: TestServer;
  const dirs: Array<{ remove(): void }> = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
    for (const d of dirs) d.remove();
  });

  it('is switched back by launch.sh when it keeps crashing, and the old one says so', () => {
    const dir = agentDir('process.exit(3)');
    dirs.push(dir);
    const start = () => spawnSync('sh', [launch, dir.path, '/dev/null'], { encoding: 'utf8' });
    // Three crashes on trial are tolerated (a flaky start); the fourth start runs the version before.
    for (let i = 0; i < 3; i++) expect(start().status).toBe(3);
    const fourth = start();
    expect(fourth.stderr).toContain('2.0.0 crashed 3 times on trial: switching back to versions/1.0.0');
    expect(fourth.stdout).toBe('1.0.0 runs\n');
    expect(readlinkSync(join(dir.path, 'current'))).toBe(join('versions', '1.0.0'));
    expect(JSON.parse(readFileSync(join(dir.path, 'rolled-back.json'), 'utf8'))).toEqual({ mark: '2.0.0#41', version: '2.0.0' });
    expect(existsSync(join(dir.path, 'trial.json'))).toBe(false);
  });

  it('rolls itself back when it does not stay connected in time; the version before reports update_rollback', async () => {
    const dir = agentDir('');
    dirs.push(dir);
    // Its window has long passed (since is in the past) and it never connected: a dead server.
    const trial = JSON.parse(readFileSync(join(dir.path, 'trial.json'), 'utf8')) as { since: number };
    writeFileSync(join(dir.path, 'trial.json'), JSON.stringify({ ...trial, since: trial.since - 3_600_000 }));
    const lonely = createDevice({ url: 'ws://127.0.0.1:1/update/', serial: 'tr-1' });
    const exits: number[] = [];
    const stop = superviseTrial(
      dir.path,
      '2.0.0',
      lonely,
      (code) => exits.push(code),
      () => {},
    );
    await eventually(
      () => Promise.resolve(exits),
      (e) => e.length === 1,
      5000,
    );
    stop();
    await lonely.close();
    expect(exits).toEqual([1]);
    expect(readlinkSync(join(dir.path, 'current'))).toBe(join('versions', '1.0.0'));
    // The version before starts (as the service manager would) and reports which update was rolled back.
    const back = createDevice({ url: server.deviceUrl, serial: 'tr-1' });
    const stopBack = superviseTrial(
      dir.path,
      '1.0.0',
      back,
      () => {},
      () => {},
    );
    const seen = await eventually(
      () => Promise.resolve(server.app.fleet.get('tr-1')?.params.update_rollback),
      (v) => v !== undefined,
      10_000,
    );
    expect(seen).toBe('2.0.0#41');
    stopBack();
    await back.close();
  });

  it('keeps a version that stays connected for its health window', async () => {
    const dir = agentDir('');
    dirs.push(dir);
    const trial = JSON.parse(readFileSync(join(dir.path, 'trial.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir.path, 'trial.json'), JSON.stringify({ ...trial, healthSeconds: 1 }));
    const device = createDevice({ url: server.deviceUrl, serial: 'tr-2' });
    device.set({ n: 1 });
    const stop = superviseTrial(
      dir.path,
      '2.0.0',
      device,
      () => {},
      () => {},
    );
    await eventually(
      () => Promise.resolve(existsSync(join(dir.path, 'trial.json'))),
      (e) => !e,
      10_000,
    );
    stop();
    await device.close();
    expect(readlinkSync(join(dir.path, 'current'))).toBe(join('versions', '2.0.0'));
    expect(existsSync(join(dir.path, 'rolled-back.json'))).toBe(false);
  });
});
