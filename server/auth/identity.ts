import type { IncomingHttpHeaders } from 'node:http';
import { bearerOf } from '../http/bearer.ts';
import { sessionToken } from '../http/session-cookie.ts';
import type { Accounts } from './accounts.ts';
import { ApiTokens } from './api-tokens.ts';
import { hashSecret } from './secrets.ts';
import type { Viewer } from './viewer.ts';

/** What one request may do. */
export interface Grants {
  /** Queries, subscriptions, export. */
  read: boolean;
  /** Mutations. */
  write: boolean;
}

/** Who a request comes from, and how it proved it. */
export interface Identity {
  viewer: Viewer | null;
  grants: Grants;
  /** session: a signed-in browser; token: a personal API token; lab: AUTH=off; none: nobody. */
  via: 'session' | 'token' | 'lab' | 'none';
  /** The hash of the session or token, so its sockets can be closed when it ends. */
  credentialHash: string | null;
  /** Why a credential that was presented is not accepted (it is never silently ignored). */
  problem: string | null;
}

const NOBODY: Grants = { read: false, write: false };
const EVERYTHING: Grants = { read: true, write: true };

/**
 * The identity of an HTTP request or a graphql-ws connection: a personal API token in
 * `Authorization: Bearer` (or in connection_init as `{ "authorization": "Bearer …" }`), else the session
 * cookie. A presented token that is malformed, unknown, revoked or expired makes the request nobody's,
 * with the reason, rather than falling back to the cookie.
 */
export class Identify {
  constructor(
    private readonly accounts: Accounts,
    private readonly tokens: ApiTokens,
    private readonly authOff: boolean,
  ) {}

  async of(headers: IncomingHttpHeaders, connectionParams?: Readonly<Record<string, unknown>> | null): Promise<Identity> {
    const fromParams = connectionParams?.authorization;
    const presented =
      typeof fromParams === 'string'
        ? bearerOf({ authorization: fromParams })
        : fromParams !== undefined
          ? { kind: 'malformed' as const }
          : bearerOf(headers);
    if (presented.kind === 'malformed') return this.nobody('malformed Authorization: send "Bearer <token>"');
    if (presented.kind === 'secret') {
      const found = await this.tokens.authenticate(presented.secret);
      if (!found)
        return this.nobody(
          ApiTokens.looksLikeOne(presented.secret) ? 'unknown, revoked or expired API token' : 'not an API token (sos_p_…)',
        );
      return {
        viewer: found.viewer,
        grants: this.authOff ? EVERYTHING : { read: found.scopes.has('read'), write: found.scopes.has('write') },
        via: 'token',
        credentialHash: found.tokenHash,
        problem: null,
      };
    }
    const session = sessionToken(headers);
    const viewer = await this.accounts.viewerOf(session);
    if (viewer)
      return { viewer, grants: EVERYTHING, via: 'session', credentialHash: session ? hashSecret(session) : null, problem: null };
    if (this.authOff) return { viewer: null, grants: EVERYTHING, via: 'lab', credentialHash: null, problem: null };
    return { viewer: null, grants: NOBODY, via: 'none', credentialHash: null, problem: null };
  }

  private nobody(problem: string): Identity {
    return { viewer: null, grants: NOBODY, via: 'none', credentialHash: null, problem };
  }
}
