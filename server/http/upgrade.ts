import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { DEVICE_PATHS } from '../../protocol/frames.ts';
import type { SessionSockets } from './session-sockets.ts';

export interface UpgradeDeps {
  /** Device sockets at /update/. */
  devices: { handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void };
  /** graphql-ws at /graphql. */
  graphql: WebSocketServer;
  sessions: SessionSockets;
  /** True once shutdown began: new sockets are refused. */
  closing: () => boolean;
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
}

/** Sends each WebSocket handshake to the server of its path. */
export function upgradeHandler(deps: UpgradeDeps) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (deps.closing()) refuse(socket, '503 Service Unavailable');
    else if (DEVICE_PATHS.includes(path)) deps.devices.handleUpgrade(req, socket, head);
    else if (path === '/graphql') {
      // Browsers send cookies with cross-site WebSocket handshakes: only pages of this origin may open one.
      const origin = req.headers.origin;
      if (origin && new URL(origin).host !== req.headers.host) {
        refuse(socket, '403 Forbidden');
        return;
      }
      deps.graphql.handleUpgrade(req, socket, head, (ws) => {
        deps.sessions.opened(ws, req);
        deps.graphql.emit('connection', ws, req);
      });
    } else refuse(socket, '404 Not Found');
  };
}
