import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, type Device } from '../agent/device.ts';
import { ConnectionState } from '../agent/device-options.ts';
import type { Scalar } from '../protocol/values.ts';
import { ALL_DEVICES } from '../server/auth/viewer.ts';
import { parseConfig } from '../server/config.ts';
import { csvField, exportHandler, exportLines } from '../server/history/export.ts';
import { HistoryService } from '../server/history/history-service.ts';
import { sqliteHistory } from '../server/history/sqlite-source.ts';
import { createLogger } from '../server/logger.ts';
import { Fleet } from '../server/state/fleet.ts';
import { BatchWriter } from '../server/storage/batch-writer.ts';
import { openDatabase } from '../server/storage/database.ts';
import { sqliteDialect } from '../server/storage/sqlite-dialect.ts';
import { sqliteFile } from '../server/storage/sqlite-url.ts';
import { providers } from './support/providers.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';

const cases = await providers();

/** RFC 4180, to read back what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('CSV fields', () => {
  it('quotes what needs it and nothing else', () => {
    expect(['plain', 'a,b', 'say "hi"', 'two\nlines', ' edge', 12.5, true, null].map(csvField)).toEqual([
      'plain',
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
      '" edge"',
      '12.5',
      'true',
      '',
    ]);
  });
});

for (const provider of cases)
  describe.skipIf(!provider.available)(`export over HTTP (${provider.name})`, () => {
    let server: TestServer;
    let device: Device;
    const tricky = ['comma, inside', 'a "quoted" word', 'line\nbreak', ' padded ', 'ünïcødé ☀'];

    let database: { url: string; drop(): Promise<void> };

    beforeAll(async () => {
      database = await provider.create();
      server = await startServer({ maxFramesPerSecond: 10_000, databaseUrl: database.url });
      device = createDevice({ url: server.deviceUrl, serial: 'ex-1', minIntervalMs: 0 });
      for (let i = 0; i < 5; i++) {
        device.set({ watts: i * 10.5, note: tricky[i] as string, on: i % 2 === 0 });
        await device.flush();
      }
      const other = createDevice({ url: server.deviceUrl, serial: 'ex-2', minIntervalMs: 0 });
      other.set({ watts: 99 });
      await other.flush();
      await other.close();
    });
    afterAll(async () => {
      await device?.close();
      await server?.close();
      await database?.drop();
    });

    it('streams CSV with documented columns, escaping strings so they read back unchanged', async () => {
      const res = await fetch(`${server.url}/export.csv?device=ex-1&param=note,watts`);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="smart-os-.*\.csv"$/);
      const rows = parseCsv(await res.text());
      expect(rows[0]).toEqual(['device', 'parameter', 't', 'value', 'name', 'labels', 'groups']);
      // No metadata on these devices: the last three columns are empty.
      for (const r of rows.slice(1)) expect(r.slice(4)).toEqual(['', '', '']);
      const notes = rows.filter((r) => r[1] === 'note');
      expect(notes.map((r) => r[3])).toEqual(tricky);
      expect(rows.filter((r) => r[1] === 'watts').map((r) => Number(r[3]))).toEqual([0, 10.5, 21, 31.5, 42]);
      for (const r of rows.slice(1)) expect(new Date(r[2] as string).toISOString()).toBe(r[2]);
    });

    it('streams NDJSON, one object per point, every device and parameter when none is named', async () => {
      const res = await fetch(`${server.url}/export.ndjson`);
      expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      const lines = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(Object.keys(lines[0] ?? {})).toEqual(['device', 'parameter', 't', 'value']);
      expect(lines.filter((l) => l.device === 'ex-1' && l.parameter === 'on').map((l) => l.value)).toEqual([
        true,
        false,
        true,
        false,
        true,
      ]);
      expect(lines.filter((l) => l.parameter === 'note').map((l) => l.value)).toEqual(tricky);
      expect(lines.filter((l) => l.parameter === 'watts' && l.device === 'ex-1').map((l) => l.value)).toEqual([
        0, 10.5, 21, 31.5, 42,
      ]);
      expect(lines.filter((l) => l.device === 'ex-2')).toEqual([expect.objectContaining({ parameter: 'watts', value: 99 })]);
    });

    it('exports buckets with count, avg, min, max, last', async () => {
      const res = await fetch(`${server.url}/export.csv?device=ex-1&param=watts&bucket=3600`);
      const rows = parseCsv(await res.text());
      expect(rows[0]).toEqual(['device', 'parameter', 't', 'count', 'avg', 'min', 'max', 'last', 'name', 'labels', 'groups']);
      const buckets = rows.slice(1);
      expect(buckets.reduce((n, r) => n + Number(r[3]), 0)).toBe(5);
      expect(Math.min(...buckets.map((r) => Number(r[5])))).toBe(0);
      expect(Math.max(...buckets.map((r) => Number(r[6])))).toBe(42);
    });

    it('answers a bad request with 400 and the reason', async () => {
      const res = await fetch(`${server.url}/export.csv?since=yesterday`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'since must be an ISO 8601 time or milliseconds' });
      const bucket = await fetch(`${server.url}/export.ndjson?bucket=0.5`);
      expect([bucket.status, ((await bucket.json()) as { error: string }).error]).toEqual([
        400,
        'bucket is whole seconds, at least 1',
      ]);
    });

    it('connects devices that were not known before the export started', async () => {
      expect(device.state).toBe(ConnectionState.Connected);
    });
  });

describe('export of a long history', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('pages through more rows than one page, in order, none twice, moved or not', async () => {
    const config = parseConfig({ dataDir: dir.path });
    const db = await openDatabase(config, createLogger('silent', false));
    const path = sqliteFile(config.databaseUrl);
    const writer = new BatchWriter(sqliteDialect(path, 'NORMAL'), 'x', { rows: 1e9, ms: 1e9 });
    await writer.open();
    const start = Date.parse('2024-01-01T00:00:00Z');
    const total = 25_000;
    for (let i = 0; i < total; i += 5000) {
      await writer.write(
        Array.from({ length: 5000 }, (_, k) => ({
          serial: 'long',
          t: start + (i + k) * 1000,
          values: [['n', i + k] as [string, Scalar]],
        })),
      );
      if (i === 10_000) await writer.compactAll(); // part in history, part still in the log
    }
    const fleet = new Fleet();
    fleet.loadParameter({ name: 'n', kind: 'number', firstSeen: start });
    const source = sqliteHistory(path);
    const history = new HistoryService(source);
    let text = '';
    for await (const chunk of exportLines(
      { devices: ['long'], params: ['n'], since: start, until: start + total * 1000, bucketMs: null },
      'ndjson',
      source,
      history,
      fleet,
    )) {
      text += chunk;
    }
    const values = text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { value: number }).value);
    expect(values).toEqual(Array.from({ length: total }, (_, i) => i));
    await writer.close();
    await source.close();
    await db.$disconnect();
  });
});

describe('an export that fails while streaming', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('is logged, and ends so the client can tell it from success', async () => {
    const config = parseConfig({ dataDir: dir.path });
    const db = await openDatabase(config, createLogger('silent', false));
    const path = sqliteFile(config.databaseUrl);
    const writer = new BatchWriter(sqliteDialect(path, 'NORMAL'), 'x');
    await writer.open();
    const start = Date.parse('2024-01-01T00:00:00Z');
    await writer.write(
      Array.from({ length: 12_000 }, (_, k) => ({ serial: 'f1', t: start + k * 1000, values: [['n', k] as [string, Scalar]] })),
    );
    await writer.close();
    const fleet = new Fleet();
    fleet.load({
      serial: 'f1',
      createdAt: start,
      lastSeen: null,
      online: false,
      instance: null,
      ownerId: null,
      params: {},
      paramCount: 0,
    });
    fleet.loadParameter({ name: 'n', kind: 'number', firstSeen: start });
    const real = sqliteHistory(path);
    let pages = 0;
    // The database goes away after the first page.
    const source = {
      ...real,
      pair: real.pair,
      rawPage: (...args: Parameters<typeof real.rawPage>) =>
        ++pages > 1 ? Promise.reject(new Error('connection lost')) : real.rawPage(...args),
    };
    const logged: string[] = [];
    const log = createLogger('error', false);
    log.error = ((_obj: unknown, msg?: string) => {
      logged.push(`${msg ?? ''}`);
    }) as typeof log.error;
    const handler = exportHandler(source, new HistoryService(source), fleet, async () => ({ scope: ALL_DEVICES, user: 'test' }), {
      log,
    });
    const http = createServer((req, res) => void handler(req, res, req.url?.startsWith('/export.csv') ? 'csv' : 'ndjson'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    const range = `device=f1&param=n&since=${start}&until=${start + 12_000_000}`;
    try {
      const ndjson = await (await fetch(`${base}/export.ndjson?${range}`)).text();
      const last = JSON.parse(ndjson.trim().split('\n').at(-1) as string) as { error?: string };
      expect(last.error).toBe('export failed: connection lost');
      pages = 0;
      const csv = await fetch(`${base}/export.csv?${range}`);
      expect(csv.status).toBe(200);
      await expect(csv.text()).rejects.toThrow();
      expect(logged).toEqual(['export failed while streaming', 'export failed while streaming']);
    } finally {
      http.close();
      await real.close();
      await db.$disconnect();
    }
  });
});
