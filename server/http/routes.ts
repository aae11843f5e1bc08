import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import sirv from 'sirv';
import type { Logger } from '../logger.ts';
import { projectPath } from '../paths.ts';
import { send } from './respond.ts';

const dist = projectPath('dashboard/dist');
const placeholder = projectPath('dashboard/placeholder');
const docsSite = projectPath('docs/.vitepress/dist');
const DOCS_MISSING =
  '<!doctype html><title>SMART-OS docs</title><p>The documentation site is not built: run <code>npm run docs:build</code> (npm start builds it when it is missing).</p>';

/** GraphQL requests are small; a larger body is refused before it is parsed. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface RouteDeps {
  graphql: (req: IncomingMessage, res: ServerResponse) => void;
  registry: Registry;
  /** Resolves when the database and the broker answer; the reason of the first that does not otherwise. */
  readiness: () => Promise<string | null>;
  exportHistory: (req: IncomingMessage, res: ServerResponse, format: 'csv' | 'ndjson') => Promise<void>;
  /** /releases: publishing, and devices' downloads (release-http.ts); true when it took the request. */
  releases: (req: IncomingMessage, res: ServerResponse, path: string, onError: (err: unknown) => void) => boolean;
  log: Logger;
}

/** The HTTP routes: GraphQL, probes, metrics, and the dashboard's static files. */
export function createRoutes(deps: RouteDeps) {
  const dashboard = sirv(existsSync(`${dist}/index.html`) ? dist : placeholder, { etag: true, single: true });
  // The documentation site (VitePress, built with base /docs/): static files, offline.
  const docs = existsSync(`${docsSite}/index.html`) ? sirv(docsSite, { etag: true, extensions: ['html'] }) : null;
  // Whatever a request holds, it gets an answer and the process stays up.
  const failed = (req: IncomingMessage, res: ServerResponse) => (err: unknown) => {
    deps.log.error({ err, url: req.url?.slice(0, 200) }, 'request failed');
    send(res, 500, 'text/plain', 'internal error');
  };
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path === '/graphql' || path.startsWith('/graphql/')) {
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
        send(res, 413, 'application/json', '{"errors":[{"message":"request body over 1 MiB"}]}');
        return;
      }
      deps.graphql(req, res);
      return;
    }
    if (path === '/healthz') {
      send(res, 200, 'application/json', '{"status":"ok"}');
      return;
    }
    if (path === '/readyz') {
      deps.readiness().then(
        (failure) =>
          failure === null
            ? send(res, 200, 'application/json', '{"status":"ready"}')
            : send(res, 503, 'application/json', JSON.stringify({ status: 'not ready', reason: failure })),
        (err: Error) => send(res, 503, 'application/json', JSON.stringify({ status: 'not ready', reason: err.message })),
      );
      return;
    }
    if (path === '/export.csv' || path === '/export.ndjson') {
      deps.exportHistory(req, res, path.endsWith('csv') ? 'csv' : 'ndjson').catch(failed(req, res));
      return;
    }
    if (path.startsWith('/releases') && deps.releases(req, res, path, failed(req, res))) return;
    if (path === '/metrics') {
      deps.registry.metrics().then(
        (text) => send(res, 200, deps.registry.contentType, text),
        (err: Error) => send(res, 500, 'text/plain', err.message),
      );
      return;
    }
    if (path === '/docs') {
      res.writeHead(301, { location: '/docs/' });
      res.end();
      return;
    }
    if (path.startsWith('/docs/')) {
      if (!docs) {
        send(res, 404, 'text/html', DOCS_MISSING);
        return;
      }
      req.url = (req.url ?? '/').slice('/docs'.length);
      docs(req, res, () => send(res, 404, 'text/plain', 'not found'));
      return;
    }
    dashboard(req, res, () => send(res, 404, 'text/plain', 'not found'));
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    try {
      route(req, res);
    } catch (err) {
      failed(req, res)(err);
    }
  };
}
