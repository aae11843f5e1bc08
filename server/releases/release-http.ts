// Releases over HTTP. POST /releases: a signed-in person or an API token with the write scope publishes an
// artifact (the body; metadata in x-release-* headers). GET /releases/<id>/artifact: a device downloads it
// with its own credential (Bearer device token or enrollment key), with Range (resume) and ETag.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseWhereText } from '../../protocol/where-text.ts';
import type { Credentials } from '../auth/credentials.ts';
import type { Identify } from '../auth/identity.ts';
import { scopeOf } from '../auth/viewer.ts';
import type { CommandCenter } from '../commands/command-center.ts';
import type { Config } from '../config.ts';
import { Deployments } from '../deployments/deployments.ts';
import { ClientError } from '../errors.ts';
import { bearerOf } from '../http/bearer.ts';
import { sendJson } from '../http/respond.ts';
import type { ChangeBus } from '../live/bus.ts';
import type { Logger } from '../logger.ts';
import type { Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import { ReleaseStore } from './release-store.ts';

export interface ReleaseHttpDeps {
  store: ReleaseStore;
  identify: Identify;
  credentials: Credentials;
  fleet: Fleet;
  authOff: boolean;
  /** RELEASE_MAX_BYTES: a larger upload is refused (413) before it is read. */
  maxBytes: number;
}

const header = (req: IncomingMessage, name: string): string => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/** The body, refused (413) beyond `max` bytes before it is all read. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) return resolve(null);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** One `bytes=a-b` range of a `size`-byte body, or null when absent; 'bad' when unsatisfiable. */
export function parseRange(text: string, size: number): { start: number; end: number } | null | 'bad' {
  if (!text) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(text.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start > end || start >= size ? 'bad' : { start, end };
}

/** The release store and deployments (for GraphQL too), and the releases' HTTP routes. */
export function openReleases(parts: {
  db: Db;
  identify: Identify;
  credentials: Credentials;
  fleet: Fleet;
  config: Config;
  commands: CommandCenter;
  bus: ChangeBus;
  instance: string;
  /** The only instance on this database (in-process pub/sub): every other lease is a dead process's. */
  alone: boolean;
  log: Logger;
}) {
  const releases = new ReleaseStore(parts.db, parts.config.releaseMaxBytes);
  const authOff = parts.config.auth === 'off';
  const log = parts.log.child({ ns: 'deployments' });
  const deployments = new Deployments(
    parts.db,
    parts.fleet,
    parts.commands,
    releases,
    parts.bus,
    parts.instance,
    parts.alone,
    log,
    parts.config.leaseSeconds * 1000,
  );
  const releaseRoutes = releaseHttp({ ...parts, store: releases, authOff, maxBytes: parts.config.releaseMaxBytes });
  return { releases, deployments, releaseRoutes };
}

export function releaseHttp(deps: ReleaseHttpDeps) {
  async function publish(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const identity = await deps.identify.of(req.headers);
    if (identity.problem) return sendJson(res, 401, { error: identity.problem });
    const scope = scopeOf(identity.viewer, deps.authOff);
    if (!scope) return sendJson(res, 401, { error: 'sign in first, or send an API token' });
    if (!identity.grants.write) return sendJson(res, 403, { error: 'this API token lacks the write scope' });
    const body = await readBody(req, deps.maxBytes);
    if (body === null) return sendJson(res, 413, { error: `the artifact is over RELEASE_MAX_BYTES (${deps.maxBytes})` });
    let notes = '';
    let targetText = '';
    try {
      notes = decodeURIComponent(header(req, 'x-release-notes'));
      targetText = decodeURIComponent(header(req, 'x-release-target'));
    } catch {
      return sendJson(res, 400, { error: 'x-release-notes and x-release-target: URL-encoded text' });
    }
    const target = parseWhereText(targetText);
    if (typeof target === 'string') return sendJson(res, 400, { error: `x-release-target: ${target}` });
    try {
      const release = await deps.store.publish(
        identity.viewer,
        {
          name: header(req, 'x-release-name'),
          version: header(req, 'x-release-version'),
          kind: header(req, 'x-release-kind') || 'software',
          signature: header(req, 'x-release-signature'),
          notes,
          target,
        },
        body,
      );
      sendJson(res, 201, release);
    } catch (err) {
      if (err instanceof ClientError) return sendJson(res, 400, { error: err.message });
      throw err;
    }
  }

  async function download(req: IncomingMessage, res: ServerResponse, id: number): Promise<void> {
    const presented = bearerOf(req.headers);
    if (presented.kind === 'malformed') return sendJson(res, 401, { error: 'Authorization: Bearer <the device’s token or key>' });
    const secret = presented.kind === 'secret' ? presented.secret : null;
    let ownerId: number | null = null;
    if (!deps.authOff || secret) {
      let credential: Awaited<ReturnType<Credentials['authenticate']>>;
      try {
        credential = await deps.credentials.authenticate(secret);
      } catch (err) {
        return sendJson(res, 401, { error: (err as Error).message });
      }
      if (credential.kind === 'none' && !deps.authOff)
        return sendJson(res, 401, { error: 'send the device’s token or enrollment key' });
      if (credential.kind === 'token') ownerId = deps.fleet.get(credential.serial)?.ownerId ?? null;
      if (credential.kind === 'enrollment') ownerId = credential.ownerId;
    }
    const release = await deps.store.forDevice(id, ownerId, deps.authOff);
    if (!release) return sendJson(res, 404, { error: `no release ${id} for this device` });
    const etag = `"${release.sha256}"`;
    const common = { etag, 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=31536000, immutable' };
    if (header(req, 'if-none-match') === etag) {
      res.writeHead(304, common);
      res.end();
      return;
    }
    const bytes = await deps.store.artifact(id);
    // If-Range with another validator: the whole artifact, not a piece of another one.
    const ifRange = header(req, 'if-range');
    const range = ifRange && ifRange !== etag ? null : parseRange(header(req, 'range'), bytes.length);
    if (range === 'bad') {
      res.writeHead(416, { ...common, 'content-range': `bytes */${bytes.length}` });
      res.end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: bytes.length - 1 };
    res.writeHead(range ? 206 : 200, {
      ...common,
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${bytes.length}` } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
  }

  /** True when the request was a release route (answered, or failing into `onError`). */
  return (req: IncomingMessage, res: ServerResponse, path: string, onError: (err: unknown) => void): boolean => {
    if (path === '/releases' && req.method === 'POST') {
      publish(req, res).catch(onError);
      return true;
    }
    const m = /^\/releases\/(\d{1,9})\/artifact$/.exec(path);
    if (m && (req.method === 'GET' || req.method === 'HEAD')) {
      download(req, res, Number(m[1])).catch(onError);
      return true;
    }
    return false;
  };
}
