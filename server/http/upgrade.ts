import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { DEVICE_PATHS } from '../../protocol/frames.ts';
import type { Logger } from '../logger.ts';

export interface UpgradeDeps {
  /** Device sockets at /update/. */
  devices: { handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void };
  /** graphql-ws at /graphql. */
  graphql: WebSocketServer;
  /** True once shutdown began: new sockets are refused. */
  closing: () => boolean;
  log: Logger;
}

/**
 * Browsers send cookies with cross-site WebSocket handshakes, so only pages of this origin may open one.
 * No Origin header: not a browser (scripts, devices). `null`, a malformed or a foreign origin: refused.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host;
}

function refuse(socket: Duplex, status: string): void {
  if (!socket.destroyed) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
}

/** Sends each WebSocket handshake to the server of its path. Whatever a handshake holds, it is refused, never a crash. */
export function upgradeHandler(deps: UpgradeDeps) {
  const dispatch = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (deps.closing()) refuse(socket, '503 Service Unavailable');
    else if (DEVICE_PATHS.includes(path)) deps.devices.handleUpgrade(req, socket, head);
    else if (path === '/graphql') {
      if (!sameOrigin(req.headers.origin, req.headers.host)) {
        refuse(socket, '403 Forbidden');
        return;
      }
      deps.graphql.handleUpgrade(req, socket, head, (ws) => deps.graphql.emit('connection', ws, req));
    } else refuse(socket, '404 Not Found');
  };
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A peer that resets mid-handshake must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    try {
      dispatch(req, socket, head);
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, url: req.url?.slice(0, 200) }, 'handshake refused: it could not be handled');
      refuse(socket, '400 Bad Request');
    }
  };
}
