import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function gql<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}

/** gql that fails the test on GraphQL errors. */
export async function data<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const res = await gql<T>(baseUrl, query, variables);
  if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

/** A subscription over graphql-ws whose events are collected with their arrival time. */
export class Subscription<T> {
  readonly events: Array<{ at: number; value: GraphQLResponse<T> }> = [];
  private readonly listeners = new Set<() => void>();
  readonly done: Promise<void>;
  private dispose: () => void = () => {};

  constructor(client: Client, query: string, variables?: Record<string, unknown>) {
    this.done = new Promise((resolve, reject) => {
      this.dispose = client.subscribe<T>(
        { query, variables },
        {
          next: (value) => {
            this.events.push({ at: performance.now(), value: value as GraphQLResponse<T> });
            for (const l of this.listeners) l();
          },
          error: (err) => reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
          complete: () => resolve(),
        },
      );
    });
    this.done.catch(() => {});
  }

  /** Waits until the collected events satisfy the predicate. */
  until(predicate: (events: Array<GraphQLResponse<T>>) => boolean, timeoutMs = 5000): Promise<Array<GraphQLResponse<T>>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const values = this.events.map((e) => e.value);
        if (!predicate(values)) return false;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(values);
        return true;
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(
            `subscription condition not met within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.value))}`,
          ),
        );
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  stop(): void {
    this.dispose();
  }
}

export function wsClient(url: string): Client {
  // The tests watch closes themselves; graphql-ws would print the whole CloseEvent to stderr.
  return createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {} });
}
