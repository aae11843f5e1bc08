import SchemaBuilder from '@pothos/core';
import type DataLoader from 'dataloader';
import type { Accounts } from '../server/auth/accounts.ts';
import type { Credentials } from '../server/auth/credentials.ts';
import type { DeviceAdmin } from '../server/auth/device-admin.ts';
import type { Scope, Viewer } from '../server/auth/viewer.ts';
import type { Point } from '../server/history/aggregate.ts';
import type { HistoryQuery } from '../server/history/history-service.ts';
import type { LiveHub } from '../server/live/hub.ts';
import type { Fleet } from '../server/state/fleet.ts';

/** The HTTP side of a request (absent over graphql-ws): the session cookie in and out. */
export interface HttpSession {
  token: string | undefined;
  address: string;
  secure: boolean;
  setCookie(value: string): void;
}

/**
 * What every resolver gets: the live fleet (queries read memory, not the database), the hub, a
 * history loader made for this request (it batches the trends one request asks for), who asks and
 * which devices they may see (null: none, not signed in), and the account services.
 */
export interface Context {
  fleet: Fleet;
  hub: LiveHub;
  history: DataLoader<HistoryQuery, Point[], string>;
  viewer: Viewer | null;
  scope: Scope | null;
  /** AUTH=off: lab mode, everything open. */
  authOff: boolean;
  sessionMs: number;
  accounts: Accounts;
  credentials: Credentials;
  deviceAdmin: DeviceAdmin;
  http: HttpSession | null;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    /** Milliseconds since the epoch or a Date out, a Date in; ISO 8601 on the wire. */
    DateTime: { Input: Date; Output: Date | number };
    JSON: { Input: unknown; Output: unknown };
  };
}>({ defaultFieldNullability: false });
