import type { IncomingMessage } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { GraphQLError } from 'graphql';
import { createYoga, maskError, type Plugin, type YogaLogger } from 'graphql-yoga';
import type { Context } from '../../schema/builder.ts';
import { schema } from '../../schema/index.ts';
import type { Alerts } from '../alerts/alerts.ts';
import { type Accounts, sessionMsOf } from '../auth/accounts.ts';
import type { ApiTokens } from '../auth/api-tokens.ts';
import type { Credentials } from '../auth/credentials.ts';
import type { DeviceAdmin } from '../auth/device-admin.ts';
import type { Identify } from '../auth/identity.ts';
import { scopeOf } from '../auth/viewer.ts';
import type { CommandCenter } from '../commands/command-center.ts';
import type { Config } from '../config.ts';
import type { Deployments } from '../deployments/deployments.ts';
import { ClientError } from '../errors.ts';
import type { FleetHistory } from '../history/fleet-history.ts';
import type { HistoryService } from '../history/history-service.ts';
import type { LiveHub } from '../live/hub.ts';
import type { Logger } from '../logger.ts';
import type { DeviceMetadata } from '../metadata/device-metadata.ts';
import type { ParameterCatalogue } from '../metadata/parameter-catalogue.ts';
import type { Preferences } from '../metadata/preferences.ts';
import type { Metrics } from '../metrics.ts';
import type { ReleaseStore } from '../releases/release-store.ts';
import type { Fleet } from '../state/fleet.ts';
import { clientAddressOf, parseTrustedProxies } from './client-address.ts';
import { documentCache } from './document-cache.ts';
import { graphqlWs } from './graphql-ws.ts';
import { type QueryLimits, queryLimits } from './query-limits.ts';
import { sessionToken, viaHttps } from './session-cookie.ts';

const EXAMPLE_QUERY = `# SMART-OS: the live fleet. Try a subscription too:
#   subscription { deviceUpdates { updates { serial values online } left } }
query Fleet {
  devices(orderBy: [{ field: "serial" }], limit: 20) {
    totalCount
    nodes { serial online lastSeen params }
  }
  parameters { name kind }
}
`;

function yogaLogger(log: Logger): YogaLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const err = args.find((a) => a instanceof Error);
      const text = args
        .filter((a) => a !== err)
        .map(String)
        .join(' ');
      if (err) log[level]({ err: rootCause(err) }, text || (err as Error).message);
      else log[level](text);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** The error a resolver threw, under the GraphQLErrors wrapping it (duck-typed: graphql may load twice). */
function rootCause(error: unknown): unknown {
  let e = error;
  while (typeof e === 'object' && e !== null && 'originalError' in e && e.originalError) e = e.originalError;
  return e;
}

/**
 * Caller mistakes keep their message (returned as they are, so Yoga does not log them as
 * failures); anything else is masked for the client, and Yoga logs the original.
 */
function maskErrors(error: unknown, message: string, isDev?: boolean): Error {
  const cause = rootCause(error);
  if (cause instanceof ClientError && error instanceof Error) {
    const located = error as Error & { extensions?: Record<string, unknown> };
    if (located.extensions && !Object.isFrozen(located.extensions)) located.extensions.code = cause.code;
    return located;
  }
  return maskError(error, message, isDev);
}

/** What the context factory gets: the Node request (HTTP, or the socket's upgrade request) and, over HTTP, Yoga's. */
export interface RequestInfo {
  req: IncomingMessage;
  /** Set-Cookie values for the response; null over graphql-ws. */
  cookies: string[] | null;
  /** The URL as the client used it, when known. */
  url: string;
  /** graphql-ws: the connection_init payload (may carry `authorization`). */
  connectionParams?: Readonly<Record<string, unknown>> | null;
}

export interface ContextDeps {
  fleet: Fleet;
  hub: LiveHub;
  history: HistoryService;
  accounts: Accounts;
  credentials: Credentials;
  apiTokens: ApiTokens;
  identify: Identify;
  deviceAdmin: DeviceAdmin;
  commands: CommandCenter;
  releases: ReleaseStore;
  deployments: Deployments;
  alerts: Alerts;
  metadata: DeviceMetadata;
  catalogue: ParameterCatalogue;
  preferences: Preferences;
  fleetHistory: FleetHistory;
  config: Pick<Config, 'auth' | 'sessionDays' | 'secureCookies' | 'historySeriesPerRequest' | 'trustProxy'>;
}

/** Each request's context: who asks (API token or session cookie), what they may see and do, and the services. */
export function contextFactory(deps: ContextDeps): (request: RequestInfo) => Promise<Context> {
  const { config } = deps;
  const proxies = config.trustProxy ? parseTrustedProxies(config.trustProxy) : null;
  return async ({ req, cookies, url, connectionParams }) => {
    const token = sessionToken(req.headers);
    const identity = await deps.identify.of(req.headers, connectionParams);
    const viewer = identity.viewer;
    return {
      identity,
      fleet: deps.fleet,
      hub: deps.hub,
      history: deps.history.loader(config.historySeriesPerRequest),
      viewer,
      scope: scopeOf(viewer, config.auth === 'off'),
      authOff: config.auth === 'off',
      sessionMs: sessionMsOf(config.sessionDays),
      accounts: deps.accounts,
      credentials: deps.credentials,
      apiTokens: deps.apiTokens,
      deviceAdmin: deps.deviceAdmin,
      commands: deps.commands,
      releases: deps.releases,
      deployments: deps.deployments,
      alerts: deps.alerts,
      metadata: deps.metadata,
      catalogue: deps.catalogue,
      preferences: deps.preferences,
      fleetHistory: deps.fleetHistory,
      http: cookies
        ? {
            token,
            address: clientAddressOf(req, proxies),
            secure: config.secureCookies === 'always' || viaHttps(req.headers, url),
            setCookie: (c) => cookies.push(c),
          }
        : null,
    };
  };
}

/** GraphQL over HTTP (Yoga, with GraphiQL that works offline) and over graphql-ws, same schema and context. */
export function createGraphQL(
  context: (request: RequestInfo) => Promise<Context>,
  config: Pick<Config, 'graphiql' | 'introspection' | 'maxSubscriptionsPerSocket' | 'maxSubscriptionsPerUser'> & QueryLimits,
  metrics: Metrics,
  log: Logger,
  connect: Parameters<typeof graphqlWs>[5],
) {
  // Cookies a resolver set (signIn, signOut), added to that request's response.
  const cookies = new WeakMap<object, string[]>();
  const setCookies: Plugin = {
    onResponse({ request, response }) {
      for (const c of cookies.get(request) ?? []) response.headers.append('set-cookie', c);
    },
  };
  const yoga = createYoga<{ req: IncomingMessage }, Context>({
    schema,
    context: (init) => {
      const request = (init as { request?: Request }).request;
      let jar: string[] | null = null;
      if (request) {
        jar = [];
        cookies.set(request, jar);
      }
      const connectionParams = (init as { connectionParams?: Readonly<Record<string, unknown>> }).connectionParams ?? null;
      return context({ req: init.req, cookies: jar, url: request?.url ?? '', connectionParams });
    },
    graphqlEndpoint: '/graphql',
    plugins: [
      setCookies,
      // Browsers send simple cross-site requests without asking: a custom header proves a same-site client.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
      ...queryLimits(config),
    ],
    graphiql: config.graphiql
      ? { title: 'SMART-OS GraphiQL', subscriptionsProtocol: 'WS', defaultQuery: EXAMPLE_QUERY, credentials: 'same-origin' }
      : false,
    // GraphiQL is 9 MB of JavaScript held as strings (about 40 MB resident): loaded when first opened.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    landingPage: false,
    parserAndValidationCache: { documentCache: documentCache(), errorCache: documentCache() },
    logging: yogaLogger(log),
    maskedErrors: { maskError: maskErrors },
  });

  const wss = graphqlWs(
    yoga,
    config,
    metrics,
    log,
    (errors) =>
      errors.map((error) => {
        const result = maskErrors(error, 'Unexpected error.');
        if (result !== error) log.error({ err: rootCause(error) }, 'unexpected error in a subscription');
        return result as GraphQLError;
      }),
    connect,
  );
  return { yoga, wss };
}
