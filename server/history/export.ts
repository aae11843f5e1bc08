import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Scalar } from '../../protocol/values.ts';
import { canSee, type Scope } from '../auth/viewer.ts';
import { BadInputError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Fleet } from '../state/fleet.ts';
import { ROLLUP_WIDTH, type RollupTable } from '../storage/tables.ts';
import { DAY_MS } from '../time.ts';
import { BucketStream, bucketOf, bucketRollups, type Point } from './aggregate.ts';
import { type HistoryService, sourceFor } from './history-service.ts';
import { type HistorySource, pairKey, type RawRow, rowValue } from './rows.ts';

const PAGE = 10_000;
const MAX_LIST = 10_000;

export type ExportFormat = 'csv' | 'ndjson';

/** What an export asks for, from the query string. */
export interface ExportRequest {
  devices: string[];
  params: string[];
  since: number;
  until: number;
  bucketMs: number | null;
}

function list(url: URL, key: string): string[] {
  return url.searchParams
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function time(url: URL, key: string): number | undefined {
  const v = url.searchParams.get(key);
  if (v === null || v === '') return undefined;
  const ms = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new BadInputError(`${key} must be an ISO 8601 time or milliseconds`);
  return ms;
}

/** Reads the query string; every device and parameter when none is named. */
export function parseExportRequest(url: URL, fleet: Fleet): ExportRequest {
  const until = time(url, 'until') ?? Date.now();
  const since = time(url, 'since') ?? until - DAY_MS;
  const bucket = url.searchParams.get('bucket');
  const bucketMs = bucket === null || bucket === '' ? null : Number(bucket) * 1000;
  if (bucketMs !== null && (!Number.isInteger(bucketMs / 1000) || bucketMs < 1000))
    throw new BadInputError('bucket is whole seconds, at least 1');
  const devices = list(url, 'device');
  const params = list(url, 'param');
  if (devices.length > MAX_LIST || params.length > MAX_LIST)
    throw new BadInputError(`at most ${MAX_LIST} devices and parameters`);
  if (until < since) throw new BadInputError('until is before since');
  return {
    devices: devices.length > 0 ? [...new Set(devices)].sort() : [...fleet.devices.keys()].sort(),
    params: params.length > 0 ? [...new Set(params)].sort() : [...fleet.parameters.keys()].sort(),
    since,
    until,
    bucketMs,
  };
}

function canSeeSerial(fleet: Fleet, scope: Scope, serial: string): boolean {
  const device = fleet.get(serial);
  return device !== undefined && canSee(scope, device);
}

/** RFC 4180: quoted when it holds a comma, a quote, a line break, or edge spaces. */
export function csvField(value: Scalar | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const iso = (t: number) => new Date(t).toISOString();

/** The device's name, labels (`key=value;…`) and groups (`a;b`) close every CSV row; NDJSON rows carry them when set. */
export const EXPORT_COLUMNS = {
  raw: ['device', 'parameter', 't', 'value', 'name', 'labels', 'groups'],
  bucketed: ['device', 'parameter', 't', 'count', 'avg', 'min', 'max', 'last', 'name', 'labels', 'groups'],
} as const;

/** A device's metadata as the end of its rows: `,name,labels,groups` in CSV, extra members in NDJSON. */
interface MetaTail {
  csv: string;
  json: string;
}

function metaTail(fleet: Fleet, serial: string): MetaTail {
  const meta = fleet.get(serial)?.meta;
  if (!meta) return { csv: ',,,', json: '' };
  const labels = Object.entries(meta.labels).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const csv = `,${csvField(meta.name)},${csvField(labels.map(([k, v]) => `${k}=${v}`).join(';'))},${csvField(meta.groups.join(';'))}`;
  const json =
    meta.name === null && labels.length === 0 && meta.groups.length === 0
      ? ''
      : `,"name":${JSON.stringify(meta.name)},"labels":${JSON.stringify(Object.fromEntries(labels))},"groups":${JSON.stringify(meta.groups)}`;
  return { csv, json };
}

function line(format: ExportFormat, device: string, param: string, p: Point, bucketed: boolean, tail: MetaTail): string {
  if (format === 'ndjson') {
    const row = bucketed
      ? { device, parameter: param, t: iso(p.t), count: p.count, avg: p.avg, min: p.min, max: p.max, last: p.last }
      : { device, parameter: param, t: iso(p.t), value: p.last };
    return `${JSON.stringify(row).slice(0, -1)}${tail.json}}\n`;
  }
  const head = `${csvField(device)},${csvField(param)},${iso(p.t)}`;
  return bucketed
    ? `${head},${p.count},${csvField(p.avg)},${csvField(p.min)},${csvField(p.max)},${csvField(p.last)}${tail.csv}\r\n`
    : `${head},${csvField(p.last)}${tail.csv}\r\n`;
}

/**
 * Raw rows, the bulk of most exports: the same text `line` gives, without a Point per row. Stored texts
 * are JSON already, and a stored number prints the same in CSV and JSON.
 */
function rawLines(format: ExportFormat, device: string, param: string, rows: RawRow[], tail: MetaTail): string {
  let out = '';
  if (format === 'ndjson') {
    const head = `{"device":${JSON.stringify(device)},"parameter":${JSON.stringify(param)},"t":"`;
    for (const row of rows)
      out += `${head}${iso(row.t)}","value":${row.num !== null ? row.num : (row.text ?? 'null')}${tail.json}}\n`;
    return out;
  }
  const head = `${csvField(device)},${csvField(param)},`;
  for (const row of rows) out += `${head}${iso(row.t)},${row.num !== null ? row.num : csvField(rowValue(row))}${tail.csv}\r\n`;
  return out;
}

/**
 * Streams points one device and parameter after the other, a page of rows at a time, waiting for the
 * client to take each page: memory stays constant for any size of export.
 */
export async function* exportLines(
  req: ExportRequest,
  format: ExportFormat,
  source: HistorySource,
  history: HistoryService,
  fleet: Fleet,
): AsyncGenerator<string> {
  const bucketed = req.bucketMs !== null;
  if (format === 'csv') yield `${(bucketed ? EXPORT_COLUMNS.bucketed : EXPORT_COLUMNS.raw).join(',')}\r\n`;
  for (const device of req.devices) {
    const tail = metaTail(fleet, device);
    for (const param of req.params) {
      const pair = await history.pair(device, param);
      if (!pair) continue;
      const numeric = fleet.parameters.get(param)?.kind === 'number';
      const width = req.bucketMs;
      if (width !== null && sourceFor(width, numeric) !== 'raw') {
        // A pair's rollups are bounded by their retention: read at once.
        const table = sourceFor(width, numeric) as RollupTable;
        const unit = ROLLUP_WIDTH[table];
        const from = bucketOf(req.since, unit);
        const to = bucketOf(req.until + unit - 1, unit);
        const [rollups, log] = await Promise.all([source.rollups(table, [pair], from, to), source.logRows([pair], from, to)]);
        const points = bucketRollups(rollups.get(pairKey(pair)) ?? [], log.get(pairKey(pair)) ?? [], width);
        if (points.length > 0) yield points.map((p) => line(format, device, param, p, true, tail)).join('');
        continue;
      }
      const buckets = width === null ? null : new BucketStream(width);
      // Rows are read after this time: just before the range (a finite number every database can bind).
      let after = req.since - 1;
      for (;;) {
        const rows = await source.rawPage(pair, req.since, req.until, after, PAGE);
        if (rows.length === 0) break;
        let chunk = '';
        if (buckets) {
          for (const row of rows) {
            const done = buckets.add(row);
            if (done) chunk += line(format, device, param, done, true, tail);
          }
        } else chunk = rawLines(format, device, param, rows, tail);
        if (chunk) yield chunk;
        after = (rows.at(-1) as { t: number }).t;
        if (rows.length < PAGE) break;
      }
      const rest = buckets?.end();
      if (rest) yield line(format, device, param, rest, true, tail);
    }
  }
}

/** GET /export.csv and /export.ndjson. */
/** Who may export what: the devices in `scope`, counted against `user`'s concurrent exports; or why not. */
export type ExportAccess = { scope: Scope; user: string } | { status: 401 | 403; error: string };

export function exportHandler(
  source: HistorySource,
  history: HistoryService,
  fleet: Fleet,
  access: (req: IncomingMessage) => Promise<ExportAccess>,
  { log, maxPerUser = Number.POSITIVE_INFINITY }: { log: Logger; maxPerUser?: number },
) {
  const running = new Map<string, number>();
  return async (req: IncomingMessage, res: ServerResponse, format: ExportFormat): Promise<void> => {
    let request: ExportRequest;
    let user: string;
    try {
      const granted = await access(req);
      if ('status' in granted) {
        res.writeHead(granted.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: granted.error }));
        return;
      }
      const { scope } = granted;
      user = granted.user;
      if ((running.get(user) ?? 0) >= maxPerUser) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '5' });
        res.end(JSON.stringify({ error: `at most ${maxPerUser} exports at once per user: wait for one to finish` }));
        return;
      }
      request = parseExportRequest(new URL(req.url ?? '/', 'http://localhost'), fleet);
      // Devices of others are left out like unknown ones: an export does not say what exists.
      if (scope.kind === 'owner') request.devices = request.devices.filter((s) => canSeeSerial(fleet, scope, s));
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: (err as Error).message }));
      return;
    }
    const name = `smart-os-${iso(request.since).replace(/[:.]/g, '')}-${iso(request.until).replace(/[:.]/g, '')}.${format}`;
    res.writeHead(200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    });
    let aborted = false;
    running.set(user, (running.get(user) ?? 0) + 1);
    res.on('close', () => {
      aborted = !res.writableFinished;
      const left = (running.get(user) ?? 1) - 1;
      if (left > 0) running.set(user, left);
      else running.delete(user);
    });
    try {
      for await (const chunk of exportLines(request, format, source, history, fleet)) {
        if (aborted) return;
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    } catch (err) {
      log.error({ err, url: req.url?.slice(0, 200) }, 'export failed while streaming');
      // The status is sent already. NDJSON ends with an error object a reader checks for; CSV has no room
      // for one, so its chunked body is cut without its last chunk, which every HTTP client reports.
      if (format === 'ndjson' && !res.destroyed)
        res.end(`${JSON.stringify({ error: `export failed: ${(err as Error).message}` })}\n`);
      else res.destroy(err as Error);
    }
  };
}
