import type { Client } from '@urql/core';
import { createContext, useContext } from 'solid-js';
import type { Connection } from './connection.ts';

/** The HTTP client (queries and mutations), there from the sign-in page on. */
export const HttpClientContext = createContext<Client>();
/** The live connection (subscriptions too), there once signed in. */
export const ConnectionContext = createContext<Connection>();

export function useHttpClient(): Client {
  const client = useContext(HttpClientContext);
  if (!client) throw new Error('useHttpClient outside <HttpClientContext.Provider>');
  return client;
}

export function useConnection(): Connection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('useConnection outside <ConnectionContext.Provider>');
  return connection;
}
