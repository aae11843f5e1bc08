import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { CloseCode } from '../protocol/codes.ts';
import { Alerts, alertOptions } from './alerts/alerts.ts';
import { Accounts, sessionMsOf } from './auth/accounts.ts';
import { ApiTokens } from './auth/api-tokens.ts';
import { bootstrapAccounts } from './auth/bootstrap.ts';
import { Credentials } from './auth/credentials.ts';
import { DeviceAdmin } from './auth/device-admin.ts';
import { Identify } from './auth/identity.ts';
import { CommandCenter } from './commands/command-center.ts';
import type { Config } from './config.ts';
import { exportHandler } from './history/export.ts';
import { FleetHistory } from './history/fleet-history.ts';
import { HistoryService } from './history/history-service.ts';
import { openHistorySource } from './history/open-source.ts';
import { CredentialSockets } from './http/credential-sockets.ts';
import { exportAccess } from './http/export-access.ts';
import { contextFactory, createGraphQL } from './http/graphql.ts';
import { listen } from './http/listen.ts';
import { readiness } from './http/readiness.ts';
import { createRoutes } from './http/routes.ts';
import { upgradeHandler } from './http/upgrade.ts';
import { DeviceServer } from './ingress/device-server.ts';
import { Gateways, gatewayOptions } from './ingress/gateways.ts';
import { Ingest } from './ingress/ingest.ts';
import { openTrafficLog } from './ingress/traffic-log.ts';
import { V2Frames } from './ingress/v2-frames.ts';
import { inProcessPubSub, type PubSubHandle, redisPubSub } from './live/bus.ts';
import type { LiveHub } from './live/hub.ts';
import { openReplica } from './live/replica.ts';
import { createLogger, type Logger } from './logger.ts';
import { DeviceMetadata } from './metadata/device-metadata.ts';
import { ParameterCatalogue } from './metadata/parameter-catalogue.ts';
import { Preferences } from './metadata/preferences.ts';
import { createMetrics, type MetricSources } from './metrics.ts';
import { openPeers } from './peers/open-peers.ts';
import { openReleases } from './releases/release-http.ts';
import type { Fleet } from './state/fleet.ts';
import { openDatabase } from './storage/database.ts';
import { WriterClient, writerOptions } from './storage/writer-client.ts';
import { HOUR_MS } from './time.ts';

export interface AppOptions {
  logger?: Logger;
  /** A pub/sub engine shared with other instances (tests run two apps over one in-process engine). */
  pubsub?: PubSubHandle;
  /** Where the first start's admin password is shown (default: the terminal, or a mode-600 file when stdout is not one). */
  print?: (text: string) => void;
}

export interface App {
  readonly config: Config;
  readonly instance: string;
  readonly server: Server;
  readonly fleet: Fleet;
  /** The live subscriptions (their counts are what tests and /metrics look at). */
  readonly hub: LiveHub;
  readonly accounts: Accounts;
  /** DEVICE_GATEWAYS: the processes holding device sockets (absent when this process holds them). */
  readonly gateways: Gateways | undefined;
  /** Starts listening (config.port; 0 picks a free port) and returns the base URL. */
  listen(): Promise<string>;
  /** Graceful stop: refuse new work, commit and answer what is pending, close sockets with 1001. */
  close(): Promise<void>;
}

/** Builds the whole server without listening: storage migrated and loaded, writer thread running. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config.logLevel, config.logPretty);
  const instance = randomBytes(6).toString('hex');
  let closing: Promise<void> | null = null;

  // Storage and the live state, in step with the other instances.
  const db = await openDatabase(config, log.child({ ns: 'storage' }));
  const pubsub =
    options.pubsub ?? (config.redisUrl ? redisPubSub(config.redisUrl, log.child({ ns: 'redis' })) : inProcessPubSub());
  const alone = options.pubsub === undefined && pubsub.kind === 'in-process';
  const { fleet, hub, bus, changes, registry, startPresence } = await openReplica({ db, pubsub, instance, alone, config, log });
  const sources: MetricSources = { fleet, hub };
  const metrics = createMetrics(sources);
  const writer = new WriterClient(writerOptions(config, instance), log.child({ ns: 'writer' }), config.commitTimeoutMs);
  await writer.start();

  // Accounts and who may do what.
  const accounts = new Accounts(db, sessionMsOf(config.sessionDays), pubsub.redis);
  const credentials = new Credentials(db);
  const apiTokens = new ApiTokens(db);
  const identify = new Identify(accounts, apiTokens, config.auth === 'off');
  await bootstrapAccounts(config, accounts, credentials, log.child({ ns: 'auth' }), options.print);
  const deviceAdmin = new DeviceAdmin(db, fleet, changes, credentials);
  const stopPruning = accounts.pruneEvery(HOUR_MS, (err) => log.warn({ err: err.message }, 'pruning expired sessions failed'));

  // Devices in, people out.
  const ingest = new Ingest(fleet, changes, writer, config, instance, metrics, log.child({ ns: 'ingest' }));
  const traffic = openTrafficLog(config.dataDir, config.trafficLogBytes, config.trafficLog, (lines) =>
    log.warn({ lines }, 'traffic log fell behind the disk; frames left out of it'),
  );
  const commands = new CommandCenter(db, fleet, changes, bus, log.child({ ns: 'commands' }));
  const v2 = new V2Frames(db, fleet, changes, commands.results, commands.transitions);
  const peers = openPeers(config, fleet, changes, metrics);
  sources.peers = peers;
  const ingress = { config, fleet, credentials, ingest, traffic, metrics, changes, v2, peers, bound: commands.bound };
  const gateways = config.deviceGateways > 0 ? new Gateways(gatewayOptions(config), log.child({ ns: 'gateways' })) : undefined;
  await gateways?.start();
  const devices = new DeviceServer({ ...ingress, gateways, log: log.child({ ns: 'ingress' }) });
  commands.attach(devices);
  const historySource = openHistorySource(config);
  const history = new HistoryService(historySource);
  const releaseParts = { db, fleet, config, credentials, identify, commands, bus, instance, alone, log };
  const { releases, deployments, releaseRoutes } = openReleases(releaseParts);
  const alerts = new Alerts(db, fleet, changes, bus, writer, alertOptions(config, instance, alone), log.child({ ns: 'alerts' }));
  sources.alerts = alerts;
  const services = { fleet, hub, history, accounts, credentials, apiTokens, identify, deviceAdmin, commands };
  const metadata = new DeviceMetadata(db, fleet, changes);
  const catalogue = new ParameterCatalogue(db, fleet, bus);
  const preferences = new Preferences(db);
  const fleetHistory = new FleetHistory(historySource, config.fleetCacheMb * 1024 * 1024);
  const featureServices = { releases, deployments, alerts, metadata, catalogue, preferences, fleetHistory };
  const context = contextFactory({ ...services, ...featureServices, config });
  const sockets = new CredentialSockets(identify, accounts, apiTokens);
  const graphql = createGraphQL(context, config, metrics, log.child({ ns: 'graphql' }), sockets.connect);
  const httpLog = log.child({ ns: 'http' });
  const routes = createRoutes({
    graphql: graphql.yoga,
    exportHistory: exportHandler(historySource, history, fleet, exportAccess(identify, config.auth === 'off'), {
      log: log.child({ ns: 'export' }),
      maxPerUser: config.maxExportsPerUser,
    }),
    releases: releaseRoutes,
    registry: metrics.registry,
    readiness: readiness({ db, pubsub, writerRunning: () => writer.running, closing: () => closing !== null }),
    log: httpLog,
  });
  const server = createServer(routes);
  server.on('upgrade', upgradeHandler({ devices, graphql: graphql.wss, closing: () => closing !== null, log: httpLog }));
  devices.startHeartbeat();
  deployments.start();
  alerts.start();
  const presence = startPresence(() => devices.boundSerials());

  async function shutdown(): Promise<void> {
    stopPruning();
    server.close();
    server.closeIdleConnections();
    await ingest.drain();
    await devices.closeAll(CloseCode.goingAway, 'server shutting down');
    await gateways?.stop();
    for (const ws of graphql.wss.clients) ws.close(CloseCode.goingAway, 'server shutting down');
    hub.close();
    peers.close();
    await ingest.drain(); // the offline notices of the sockets just closed
    await writer.close();
    presence.stop();
    commands.stop();
    await deployments.stop();
    await alerts.stop();
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
    hub,
    accounts,
    gateways,
    listen: () => listen(server, config.host, config.port),
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
