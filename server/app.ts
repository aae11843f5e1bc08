import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode, DEVICE_PATHS } from '../agent/protocol.ts';
import type { Context } from '../schema/builder.ts';
import { Accounts, sessionMsOf } from './auth/accounts.ts';
import { bootstrapAccounts } from './auth/bootstrap.ts';
import { Credentials } from './auth/credentials.ts';
import { DeviceAdmin } from './auth/device-admin.ts';
import { hashSecret } from './auth/secrets.ts';
import type { Scope, Viewer } from './auth/viewer.ts';
import type { Config } from './config.ts';
import { exportHandler } from './history/export.ts';
import { HistoryService } from './history/history-service.ts';
import { postgresHistory } from './history/postgres-source.ts';
import { sqliteHistory } from './history/sqlite-source.ts';
import { createGraphQL, type RequestInfo } from './http/graphql.ts';
import { createRoutes } from './http/routes.ts';
import { clientAddress, sessionToken, viaHttps } from './http/session-cookie.ts';
import { DeviceServer } from './ingress/device-server.ts';
import { Ingest } from './ingress/ingest.ts';
import { openTrafficLog } from './ingress/traffic-log.ts';
import { ChangeBus, inProcessPubSub, type PubSubHandle, redisPubSub } from './live/bus.ts';
import { LiveHub } from './live/hub.ts';
import { InstanceRegistry } from './live/instance-registry.ts';
import { startPresenceSweeper } from './live/presence-sweeper.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { diffFleets } from './state/diff.ts';
import type { DeviceChange, Fleet } from './state/fleet.ts';
import { openDatabase } from './storage/database.ts';
import { fleetId } from './storage/fleet-id.ts';
import { loadFleet } from './storage/load-fleet.ts';
import { WriterClient } from './storage/writer-client.ts';

const DAY_MS = 86_400_000;

export interface AppOptions {
  logger?: Logger;
  /** A pub/sub engine shared with other instances (tests run two apps over one in-process engine). */
  pubsub?: PubSubHandle;
  /** Where the first start's admin password is shown (default: stdout). */
  print?: (text: string) => void;
}

export interface App {
  readonly config: Config;
  readonly instance: string;
  readonly server: Server;
  readonly fleet: Fleet;
  readonly accounts: Accounts;
  /** Starts listening (config.port; 0 picks a free port) and returns the base URL. */
  listen(): Promise<string>;
  /** Graceful stop: refuse new work, commit and answer what is pending, close sockets with 1001. */
  close(): Promise<void>;
}

/** Builds the whole server without listening: storage migrated and loaded, writer thread running. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config.logLevel, config.logPretty);
  const instance = randomBytes(6).toString('hex');
  const db = await openDatabase(config, log.child({ ns: 'storage' }));
  const pubsub =
    options.pubsub ?? (config.redisUrl ? await redisPubSub(config.redisUrl, log.child({ ns: 'redis' })) : inProcessPubSub());
  const alone = options.pubsub === undefined && pubsub.kind === 'in-process';
  if (alone) {
    // No other instance can hold a socket: whatever the database says is online was left by a crash.
    await db.device.updateMany({ where: { online: true }, data: { online: false, instance: null } });
  }

  const fleetKey = await fleetId(db);
  const bus = new ChangeBus(pubsub, fleetKey, instance, log.child({ ns: 'bus' }));
  const registry = pubsub.redis ? new InstanceRegistry(pubsub.redis, fleetKey, instance, config.heartbeatMs) : null;
  await registry?.start();
  // Listen before loading, so no change committed elsewhere falls between the two.
  let remote: ((changes: DeviceChange[]) => void) | null = null;
  const early: DeviceChange[][] = [];
  await bus.start((changes) => (remote ? remote(changes) : early.push(changes)));
  const fleet = await loadFleet(db);
  const hub = new LiveHub(fleet, { coalesceMs: config.coalesceMs, maxQueuedChanges: 10_000 });
  const metrics = createMetrics({
    devices: () => fleet.devices.size,
    devicesOnline: () => {
      let n = 0;
      for (const d of fleet.devices.values()) if (d.online) n++;
      return n;
    },
    subscribers: () => hub.stats(),
  });
  const writer = new WriterClient(
    {
      provider: config.provider,
      url: config.databaseUrl,
      sqliteSync: config.sqliteSync,
      instance,
      retention: {
        rawMs: config.retentionRawDays * DAY_MS,
        minuteMs: config.retentionMinuteDays * DAY_MS,
        hourMs: config.retentionHourDays * DAY_MS,
      },
    },
    log.child({ ns: 'writer' }),
  );
  await writer.start();
  const ingest = new Ingest(fleet, hub, bus, writer, config, instance, metrics, log.child({ ns: 'ingest' }));
  remote = (changes) => ingest.applyRemote(changes);
  for (const changes of early) ingest.applyRemote(changes);
  pubsub.onReconnect(() => {
    loadFleet(db).then(
      (fresh) => ingest.applyRemote(diffFleets(fleet, fresh)),
      (err: Error) => log.error({ err: err.message }, 'could not resynchronise state after a broker reconnect'),
    );
  });

  let closing: Promise<void> | null = null;
  const traffic = openTrafficLog(config.dataDir, config.trafficLogBytes, config.trafficLog, (lines) =>
    log.warn({ lines }, 'traffic log fell behind the disk; frames left out of it'),
  );
  const accounts = new Accounts(db, sessionMsOf(config.sessionDays), pubsub.redis);
  const credentials = new Credentials(db);
  await bootstrapAccounts(
    config,
    accounts,
    credentials,
    log.child({ ns: 'auth' }),
    options.print ?? ((t) => process.stdout.write(t)),
  );
  const deviceAdmin = new DeviceAdmin(db, fleet, ingest, credentials);
  // Expired sessions are refused anyway; this only keeps the table small.
  const sessionSweep = setInterval(
    () => void accounts.pruneSessions().catch((err: Error) => log.warn({ err: err.message }, 'pruning expired sessions failed')),
    3_600_000,
  );
  sessionSweep.unref();
  const devices = new DeviceServer(config, fleet, credentials, ingest, traffic, metrics, log.child({ ns: 'ingress' }));
  ingest.onControl = (change) => devices.control(change);
  const ALL: Scope = { kind: 'all' };
  const scopeOf = (viewer: Viewer | null): Scope | null =>
    viewer ? (viewer.role === 'admin' ? ALL : { kind: 'owner', ownerId: viewer.id }) : config.auth === 'off' ? ALL : null;
  const historySource =
    config.provider === 'sqlite' ? sqliteHistory(config.databaseUrl.slice('file:'.length)) : postgresHistory(config.databaseUrl);
  const history = new HistoryService(historySource);
  const contextFor = async ({ req, cookies, url }: RequestInfo): Promise<Context> => {
    const token = sessionToken(req.headers);
    const viewer = await accounts.viewerOf(token);
    return {
      fleet,
      hub,
      history: history.loader(),
      viewer,
      scope: scopeOf(viewer),
      authOff: config.auth === 'off',
      sessionMs: sessionMsOf(config.sessionDays),
      accounts,
      credentials,
      deviceAdmin,
      http: cookies
        ? {
            token,
            address: clientAddress(req.socket.remoteAddress),
            secure: config.secureCookies === 'always' || viaHttps(req.headers, url),
            setCookie: (c) => cookies.push(c),
          }
        : null,
    };
  };
  const graphql = createGraphQL(contextFor, config, metrics, log.child({ ns: 'graphql' }));
  // A signed-out session's live subscriptions end with it.
  const sessionOfSocket = new WeakMap<object, string>();
  accounts.onSignOut((hash) => {
    for (const ws of graphql.wss.clients) if (sessionOfSocket.get(ws) === hash) ws.close(4403, 'signed out');
  });
  const routes = createRoutes({
    graphql: graphql.yoga,
    exportHistory: exportHandler(historySource, history, fleet, async (req) =>
      scopeOf(await accounts.viewerOf(sessionToken(req.headers))),
    ),
    registry: metrics.registry,
    readiness: async () => {
      try {
        await db.$queryRawUnsafe('SELECT 1');
      } catch (err) {
        return `database: ${(err as Error).message}`;
      }
      try {
        await pubsub.ping();
      } catch (err) {
        return `redis: ${(err as Error).message}`;
      }
      if (!writer.running) return 'storage writer thread is not running';
      return closing ? 'shutting down' : null;
    },
  });
  const server = createServer(routes);
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (closing) socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
    else if (DEVICE_PATHS.includes(path)) devices.handleUpgrade(req, socket, head);
    else if (path === '/graphql') {
      // Browsers send cookies with cross-site WebSocket handshakes: only pages of this origin may open one.
      const origin = req.headers.origin;
      if (origin && new URL(origin).host !== req.headers.host) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      graphql.wss.handleUpgrade(req, socket, head, (ws) => {
        const token = sessionToken(req.headers);
        if (token) sessionOfSocket.set(ws, hashSecret(token));
        graphql.wss.emit('connection', ws, req);
      });
    } else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  devices.startHeartbeat();
  const sweeper = registry
    ? startPresenceSweeper({
        registry,
        fleet,
        db,
        ingest,
        bus,
        instance,
        intervalMs: config.heartbeatMs,
        log: log.child({ ns: 'presence' }),
      })
    : null;

  async function shutdown(): Promise<void> {
    clearInterval(sessionSweep);
    server.close();
    server.closeIdleConnections();
    await ingest.drain();
    await devices.closeAll(CloseCode.goingAway, 'server shutting down');
    for (const ws of graphql.wss.clients) ws.close(CloseCode.goingAway, 'server shutting down');
    hub.close();
    await ingest.drain(); // the offline notices of the sockets just closed
    await writer.close();
    sweeper?.stop();
    await registry?.stop();
    await Promise.all([traffic.close(), bus.close()]);
    if (!options.pubsub) await pubsub.close();
    await Promise.all([db.$disconnect(), historySource.close()]);
    server.closeAllConnections();
    log.info('stopped');
  }

  return {
    config,
    instance,
    server,
    fleet,
    accounts,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve(`http://${host}:${port}`);
        });
      });
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
