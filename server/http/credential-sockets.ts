import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Accounts } from '../auth/accounts.ts';
import type { ApiTokens } from '../auth/api-tokens.ts';
import type { Identify } from '../auth/identity.ts';

/**
 * Which credential (session or API token) opened each graphql-ws socket: when it ends (sign-out,
 * revocation), its live subscriptions end with it. Sockets with a bad token are refused at connection_init.
 */
export class CredentialSockets {
  private readonly byCredential = new Map<string, Set<WebSocket>>();

  constructor(
    private readonly identify: Identify,
    accounts: Accounts,
    tokens: ApiTokens,
  ) {
    accounts.onSignOut((hash) => this.close(hash, 'signed out'));
    tokens.onRevoke((hash) => this.close(hash, 'token revoked'));
  }

  /** At connection_init: whether to accept the socket, and which credential it holds. */
  connect = async (
    ws: WebSocket,
    req: IncomingMessage,
    params: Readonly<Record<string, unknown>> | undefined,
  ): Promise<boolean> => {
    const identity = await this.identify.of(req.headers, params ?? null);
    if (identity.problem) return false;
    const hash = identity.credentialHash;
    if (!hash) return true;
    let sockets = this.byCredential.get(hash);
    if (!sockets) {
      sockets = new Set();
      this.byCredential.set(hash, sockets);
    }
    sockets.add(ws);
    ws.once('close', () => {
      sockets.delete(ws);
      if (sockets.size === 0 && this.byCredential.get(hash) === sockets) this.byCredential.delete(hash);
    });
    return true;
  };

  private close(hash: string, why: string): void {
    for (const ws of this.byCredential.get(hash) ?? []) ws.close(4403, why);
  }
}
