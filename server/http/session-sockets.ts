import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Accounts } from '../auth/accounts.ts';
import { hashSecret } from '../auth/secrets.ts';
import { sessionToken } from './session-cookie.ts';

/** Which session opened each graphql-ws socket: a signed-out session's live subscriptions end with it. */
export class SessionSockets {
  private readonly sessionOf = new WeakMap<WebSocket, string>();

  constructor(
    private readonly wss: WebSocketServer,
    accounts: Accounts,
  ) {
    accounts.onSignOut((hash) => {
      for (const ws of this.wss.clients) if (this.sessionOf.get(ws) === hash) ws.close(4403, 'signed out');
    });
  }

  /** Remembers the session of a socket just opened by this upgrade request. */
  opened(ws: WebSocket, req: IncomingMessage): void {
    const token = sessionToken(req.headers);
    if (token) this.sessionOf.set(ws, hashSecret(token));
  }
}
