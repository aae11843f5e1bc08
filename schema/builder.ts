import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type DataLoader from 'dataloader';
import type { Alerts } from '../server/alerts/alerts.ts';
import type { Accounts } from '../server/auth/accounts.ts';
import type { ApiTokens } from '../server/auth/api-tokens.ts';
import type { Credentials } from '../server/auth/credentials.ts';
import type { DeviceAdmin } from '../server/auth/device-admin.ts';
import type { Identity } from '../server/auth/identity.ts';
import type { Scope, Viewer } from '../server/auth/viewer.ts';
import type { CommandCenter } from '../server/commands/command-center.ts';
import type { Deployments } from '../server/deployments/deployments.ts';
import { ForbiddenError, UnauthenticatedError } from '../server/errors.ts';
import type { Point } from '../server/history/aggregate.ts';
import type { FleetHistory } from '../server/history/fleet-history.ts';
import type { HistoryQuery } from '../server/history/history-service.ts';
import type { LiveHub } from '../server/live/hub.ts';
import type { DeviceMetadata } from '../server/metadata/device-metadata.ts';
import type { ParameterCatalogue } from '../server/metadata/parameter-catalogue.ts';
import type { Preferences } from '../server/metadata/preferences.ts';
import type { ReleaseStore } from '../server/releases/release-store.ts';
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
  /** How the request proved who it is, and what that allows (read, write). */
  identity: Identity;
  scope: Scope | null;
  /** AUTH=off: lab mode, everything open. */
  authOff: boolean;
  sessionMs: number;
  accounts: Accounts;
  credentials: Credentials;
  apiTokens: ApiTokens;
  deviceAdmin: DeviceAdmin;
  releases: ReleaseStore;
  commands: CommandCenter;
  deployments: Deployments;
  alerts: Alerts;
  metadata: DeviceMetadata;
  catalogue: ParameterCatalogue;
  preferences: Preferences;
  fleetHistory: FleetHistory;
  http: HttpSession | null;
}

/**
 * Who may use a field, stated on the field or its type (roots.ts: queries need `read`, mutations
 * `write`, subscriptions `read`; public fields skip that). A session or lab mode has read and write; a
 * personal API token has its scopes. Ownership of devices is checked on top, by the resolvers.
 */
export interface AuthScopes {
  read: boolean;
  write: boolean;
  admin: boolean;
  /** A signed-in browser (not a token): managing credentials and the password. */
  session: boolean;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  Scalars: {
    /** Milliseconds since the epoch or a Date out, a Date in; ISO 8601 on the wire. */
    DateTime: { Input: Date; Output: Date | number };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      read: ctx.identity.grants.read,
      write: ctx.identity.grants.write,
      admin: ctx.authOff || ctx.viewer?.role === 'admin',
      session: ctx.authOff || ctx.identity.via === 'session',
    }),
    unauthorizedError: (_parent, ctx, info) => {
      if (ctx.identity.problem) return new UnauthenticatedError(ctx.identity.problem);
      if (!ctx.viewer && !ctx.authOff) return new UnauthenticatedError('sign in first');
      if (ctx.identity.via === 'token')
        return new ForbiddenError(`this API token may not use ${info.parentType.name}.${info.fieldName} (check its scopes)`);
      return new ForbiddenError('only an admin may do this');
    },
  },
});
