import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDeviceFrame } from '../protocol/frames.ts';
import { printedSchema, schemaFile } from '../schema/print.ts';
import { connectDevice } from './support/device.ts';
import { startServer, type TestServer } from './support/server.ts';
import { eventually } from './support/wait.ts';

describe('operations', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ trafficLogBytes: 8192, maxFramesPerSecond: 10_000 });
  });
  afterAll(() => server?.close());

  it('answers the health and readiness probes', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('exposes Prometheus metrics that follow the traffic', async () => {
    const device = await connectDevice(server.deviceUrl);
    for (let i = 0; i < 5; i++) expect((await device.update(i, 'm-1', { i })).ok).toBe(true);
    expect((await device.request('garbage')).ok).toBe(false);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('smartos_device_connections')).toBe(1);
    expect(value('smartos_frames_received_total')).toBeGreaterThanOrEqual(6);
    expect(value('smartos_acks_total{result="ok"}')).toBeGreaterThanOrEqual(5);
    expect(value('smartos_frame_errors_total{reason="notJson"}')).toBe(1);
    expect(value('smartos_commit_batch_frames_count')).toBeGreaterThanOrEqual(1);
    expect(value('smartos_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('smartos_ack_seconds_count')).toBeGreaterThanOrEqual(5);
    expect(value('smartos_devices')).toBeGreaterThanOrEqual(1);
    expect(value('smartos_subscribers{kind="deviceUpdates"}')).toBe(0);
    expect(text).toMatch(/^smartos_process_resident_memory_bytes \d+/m);
    await device.close();
  });

  it('keeps the latest frames in a rotated traffic log, in the shape of the recorded fixture', async () => {
    const device = await connectDevice(server.deviceUrl);
    const sent: string[] = [];
    for (let i = 0; i < 200; i++) {
      const frame = formatDeviceFrame('UPDT', i, 'log-1', { i, pad: 'x'.repeat(40) });
      sent.push(frame);
      expect((await device.request(frame)).ok).toBe(true);
    }
    const dir = join(server.dataDir, 'log');
    const lastFrame = sent.at(-1) as string;
    const files = () => readdirSync(dir).filter((f) => f.startsWith('traffic'));
    const content = () => files().map((f) => readFileSync(join(dir, f), 'utf8'));
    await eventually(content, (c) => c.some((text) => text.includes(JSON.stringify(lastFrame))));
    expect(files().length).toBeLessThanOrEqual(2);
    const total = files().reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    expect(total).toBeLessThanOrEqual(8192 + 1024 + 512); // the budget, plus one chunk (an eighth) and a line
    const lines = content()
      .join('\n')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { logged_at: string; frame: string });
    expect(Object.keys(lines[0] ?? {})).toEqual(['logged_at', 'frame']);
    expect(lines.map((l) => l.frame)).toContain(lastFrame);
    // Rotation dropped the oldest frames.
    expect(lines.map((l) => l.frame)).not.toContain(sent[0]);
    await device.close();
  });

  it('serves GraphiQL without any CDN, and the built dashboard with its assets', async () => {
    const res = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toMatch(/graphiql/i);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdn\./);
    const home = await (await fetch(`${server.url}/`)).text();
    expect(home).toContain('<div id="app"></div>');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(home)?.[1];
    const asset = await fetch(`${server.url}${script}`);
    expect([asset.status, asset.headers.get('content-type')]).toEqual([200, 'text/javascript']);
    // A shared link to a deep path still opens the dashboard.
    expect(await (await fetch(`${server.url}/some/view`)).text()).toContain('<div id="app"></div>');
  });

  it('refuses a GraphQL request body over 1 MiB before parsing it', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ devices { totalCount } } #${'x'.repeat(1024 * 1024)}` }),
    });
    expect(res.status).toBe(413);
  });

  it('refuses WebSocket upgrades on unknown paths', async () => {
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/elsewhere`);
    const error = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(error.message).toMatch(/404/);
  });
});

describe('committed artefacts', () => {
  it('schema/schema.graphql is the printed schema (run npm run schema)', () => {
    expect(readFileSync(schemaFile, 'utf8')).toBe(printedSchema());
  });

  it('the migrations of both providers produce the current Prisma schema (run npm run db:migration)', async () => {
    const { pendingDiff } = await import('../prisma/new-migration.ts');
    const { postgresSchemaFrom } = await import('../prisma/postgres-schema.ts');
    const { schemaPath } = await import('../prisma/migrations.ts');
    expect(readFileSync(schemaPath('postgres'), 'utf8')).toBe(postgresSchemaFrom(readFileSync(schemaPath('sqlite'), 'utf8')));
    for (const provider of ['sqlite', 'postgres'] as const) {
      expect((await pendingDiff(provider)).replace(/^--.*$/gm, '').trim()).toBe('');
    }
  });
});
