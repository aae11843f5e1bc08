import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { GraphQLResponse } from './graphql.ts';

/** A client that keeps the session cookie like a browser: for GraphQL over HTTP and graphql-ws. */
export class SessionClient {
  cookie = '';
  lastSetCookie: string[] = [];

  constructor(readonly baseUrl: string) {}

  async gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    this.lastSetCookie = res.headers.getSetCookie();
    for (const c of this.lastSetCookie) {
      const pair = c.split(';', 1)[0] ?? '';
      this.cookie = pair.endsWith('=') ? '' : pair;
    }
    return (await res.json()) as GraphQLResponse<T>;
  }

  async signIn(username: string, password: string): Promise<GraphQLResponse> {
    return this.gql('mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { username role } }', {
      u: username,
      p: password,
    });
  }

  fetch(path: string): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { headers: this.cookie ? { cookie: this.cookie } : {} });
  }

  ws(): Client {
    const cookie = this.cookie;
    class CookieSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: cookie ? { cookie } : {} });
      }
    }
    return createClient({
      url: `${this.baseUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: CookieSocket,
      retryAttempts: 0,
      lazy: false,
      // The tests watch closes themselves; graphql-ws would print the whole CloseEvent to stderr.
      onNonLazyError: () => {},
    });
  }
}
