import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { type Accessor, createSignal } from 'solid-js';

/** Queries and mutations only, over HTTP: what the sign-in page needs before any socket is opened. */
export function createHttpClient(): Client {
  return new Client({
    url: '/graphql',
    requestPolicy: 'network-only',
    fetchOptions: { headers: { 'x-graphql-yoga-csrf': '1' }, credentials: 'same-origin' },
    exchanges: [fetchExchange],
  });
}

/** What the header shows: the subscription socket's health. */
export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface Connection {
  client: Client;
  link: Accessor<LinkState>;
  /** Called after the socket came back: whatever changed meanwhile must be read again. */
  onReconnect(listener: () => void): () => void;
  dispose(): void;
}

/**
 * Queries over HTTP, subscriptions over graphql-ws. The socket retries for ever with capped backoff and
 * jitter; active subscriptions are started again on the new socket by graphql-ws itself.
 */
export function createConnection(): Connection {
  const [link, setLink] = createSignal<LinkState>('connecting');
  const listeners = new Set<() => void>();
  let everConnected = false;
  let failures = 0;
  const ws = createWsClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(10_000, 500 * 2 ** retries))),
    on: {
      connecting: () => setLink(everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        failures = 0;
        setLink('live');
        if (everConnected) for (const l of listeners) l();
        everConnected = true;
      },
      closed: () => {
        failures++;
        setLink(!navigator.onLine || failures > 3 ? 'offline' : 'reconnecting');
      },
    },
  });
  const client = new Client({
    url: '/graphql',
    requestPolicy: 'network-only',
    // The server refuses GETs without it: a page of another site cannot add it (CSRF protection).
    fetchOptions: { headers: { 'x-graphql-yoga-csrf': '1' }, credentials: 'same-origin' },
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return {
    client,
    link,
    onReconnect(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => void ws.dispose(),
  };
}
