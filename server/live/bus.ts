import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { DeviceChange } from '../state/fleet.ts';
import type { ParameterMetaOverrides } from '../state/parameter-meta.ts';

interface Envelope {
  origin: string;
  changes?: DeviceChange[];
  /** Serials that have new commands queued: the instance holding their socket sends them. */
  commands?: string[];
  /** Command executions that changed state (for subscribers on every instance). */
  executions?: unknown[];
  /** Deployments whose progress changed (subscribers on every instance read them again). */
  deployments?: number[];
  /** Alerts: transitions for subscribers, rules for the instance evaluating them, acknowledgements for it. */
  alerts?: AlertNews;
  /** Parameters whose display metadata an admin changed (the whole overrides, as they are now). */
  parameters?: ParameterNews[];
}

export interface ParameterNews {
  name: string;
  /** Absent: every field back to its default. */
  overrides?: ParameterMetaOverrides;
}

/** What instances tell each other about alerts (server/alerts/alerts.ts). */
export interface AlertNews {
  changed?: unknown[];
  rules?: number[];
  ack?: { ruleId: number; serial: string; userId: number | null; comment: string | null };
}

/** The pub/sub engine between instances: Redis when configured, in-process otherwise. */
export interface PubSubHandle {
  engine: PubSubEngine;
  kind: 'redis' | 'in-process';
  /** A Redis client for other coordination (instance liveness, login limits), when the broker is Redis. */
  redis?: Redis;
  /** Throws, at once, when the broker is not reachable now (readiness). */
  ping(): Promise<void>;
  /** Whether the broker is reachable now (both ways). */
  readonly up: boolean;
  /** Whether a publish can go out now: the publishing connection is up, whatever the subscribing one does. */
  readonly canPublish: boolean;
  /** When the broker last became reachable (performance.now()); null while it is not. */
  readonly upSince: number | null;
  /** Called each time the connection to the broker is (re)established: messages may have been lost meanwhile. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export function inProcessPubSub(engine: PubSubEngine = new PubSub()): PubSubHandle {
  const since = performance.now();
  return {
    engine,
    kind: 'in-process',
    ping: async () => {},
    up: true,
    canPublish: true,
    upSince: since,
    onReconnect() {},
    close: async () => {},
  };
}

/** Reconnects with capped exponential backoff and full jitter: 0–100 ms, 0–200 ms, … up to 0–5 s. */
export const redisRetry = (times: number): number => Math.round(Math.random() * Math.min(5000, 100 * 2 ** Math.min(times, 6)));

/**
 * Redis for pub/sub. Starting does not wait for Redis: an unreachable Redis is retried with backoff,
 * `/readyz` says so, and one log line marks each change of state (not one per failed attempt). While
 * Redis is down, publishes fail at once (nothing queues up in memory); when it is back, every listener of
 * onReconnect resynchronises from the database.
 */
export function redisPubSub(url: string, log: Logger): PubSubHandle {
  const options = { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: redisRetry, connectTimeout: 2000 };
  // A connection that stays open but silent (a partition) must not hold a command for ever.
  const publisher = new Redis(url, {
    ...options,
    enableOfflineQueue: false,
    commandTimeout: 2000,
    connectionName: 'smart-os-pub',
  });
  // The subscriber keeps its SUBSCRIBE queued until it is connected, however long that takes (it would
  // otherwise be rejected inside the pub/sub library, out of reach); ioredis subscribes again after reconnects.
  const subscriber = new Redis(url, {
    ...options,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    connectionName: 'smart-os-sub',
  });
  const listeners: Array<() => void> = [];
  let up = false;
  let upSince: number | null = null;
  let everUp = false;
  let lastError = 'not connected yet';
  let downLogged = false;
  const ready = new Set<Redis>();
  const update = () => {
    const now = ready.size === 2;
    if (now === up) return;
    up = now;
    if (up) {
      upSince = performance.now();
      downLogged = false;
      log.info(everUp ? 'redis is reachable again; resynchronising state' : 'redis connected');
      everUp = true;
      // Listeners are registered once the state is loaded: whatever came up after that may have missed changes.
      // They resynchronise once the subscription is back: ioredis says ready before it re-subscribes, and a
      // PING queued behind its SUBSCRIBE is answered only after it. A resync before that could miss a change
      // published between its read and the re-subscription.
      setImmediate(() =>
        subscriber.ping().then(
          () => {
            for (const l of listeners) l();
          },
          // Lost again meanwhile: the next ready resynchronises.
          () => {},
        ),
      );
    } else {
      upSince = null;
      if (!downLogged) log.warn({ err: lastError }, 'redis is unreachable; retrying with backoff (readiness reports it)');
      downLogged = true;
    }
  };
  for (const client of [publisher, subscriber]) {
    client.on('ready', () => {
      ready.add(client);
      update();
    });
    client.on('error', (err: Error) => {
      lastError = err.message;
      if (!everUp && !downLogged) {
        downLogged = true;
        log.warn({ err: err.message }, 'redis is unreachable; retrying with backoff (readiness reports it)');
      }
    });
    client.on('close', () => {
      ready.delete(client);
      update();
    });
    client.connect().catch(() => {}); // retried by retryStrategy; state changes are logged above
  }
  return {
    engine: new RedisPubSub({ publisher, subscriber }),
    kind: 'redis',
    redis: publisher,
    get up() {
      return up;
    },
    get canPublish() {
      return ready.has(publisher);
    },
    get upSince() {
      return upSince;
    },
    async ping() {
      if (!up) throw new Error(`unreachable (${lastError})`);
      await publisher.ping();
    },
    onReconnect(listener) {
      listeners.push(listener);
    },
    async close() {
      // A polite QUIT while Redis answers (bounded); a plain disconnect otherwise, never a wait for Redis.
      if (up)
        await Promise.race([Promise.allSettled([publisher.quit(), subscriber.quit()]), new Promise((r) => setTimeout(r, 1000))]);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

/**
 * Carries committed changes to the other instances. The local instance applies its own changes
 * directly, so subscribers here never wait on the broker, and skips its own echo.
 */
export class ChangeBus {
  private subscription: number | null = null;
  private readonly commandListeners: Array<(serials: string[]) => void> = [];
  private readonly executionListeners: Array<(rows: unknown[]) => void> = [];
  private readonly deploymentListeners: Array<(ids: number[]) => void> = [];
  private readonly alertListeners: Array<(news: AlertNews) => void> = [];
  private readonly parameterListeners: Array<(news: ParameterNews[]) => void> = [];
  private failedPublishes = 0;
  private lastPublishWarning = Number.NEGATIVE_INFINITY;
  private readonly topic: string;

  /** Instances of one fleet (one database) share a topic; other fleets on the same broker do not hear it. */
  constructor(
    private readonly pubsub: PubSubHandle,
    fleetId: string,
    private readonly instance: string,
    private readonly log: Logger,
  ) {
    this.topic = `smartos:${fleetId}:device-changes`;
  }

  /**
   * Listens for the other instances' changes. Waits for the subscription only while the broker is up: with
   * Redis down at start, the server starts anyway and resynchronises once Redis is reachable.
   */
  async start(onRemote: (changes: DeviceChange[]) => void): Promise<void> {
    const subscribed = this.pubsub.engine.subscribe(
      this.topic,
      (message: Envelope) => {
        if (message.origin === this.instance) return;
        if (message.changes) onRemote(message.changes);
        if (message.commands) for (const l of this.commandListeners) l(message.commands);
        if (message.executions) for (const l of this.executionListeners) l(message.executions);
        if (message.deployments) for (const l of this.deploymentListeners) l(message.deployments);
        if (message.alerts) for (const l of this.alertListeners) l(message.alerts);
        if (message.parameters) for (const l of this.parameterListeners) l(message.parameters);
      },
      {},
    );
    subscribed.then(
      (id) => {
        this.subscription = id;
      },
      (err: Error) => this.log.warn({ err: err.message }, 'could not subscribe to the other instances'),
    );
    if (this.pubsub.up) await subscribed.catch(() => {});
  }

  /** Called with serials another instance queued commands for. */
  onCommands(listener: (serials: string[]) => void): void {
    this.commandListeners.push(listener);
  }

  /** Tells the other instances that these serials have new commands (the one holding a socket sends them). */
  publishCommands(serials: string[]): void {
    this.send({ origin: this.instance, commands: serials });
  }

  /** Called with parameters whose metadata another instance changed. */
  onParameters(listener: (news: ParameterNews[]) => void): void {
    this.parameterListeners.push(listener);
  }

  /** Tells the other instances of parameters' new metadata. */
  publishParameters(news: ParameterNews[]): void {
    this.send({ origin: this.instance, parameters: news });
  }

  /** Called with executions another instance moved. */
  onExecutions(listener: (rows: unknown[]) => void): void {
    this.executionListeners.push(listener);
  }

  /** Called with deployments another instance moved on. */
  onDeployments(listener: (ids: number[]) => void): void {
    this.deploymentListeners.push(listener);
  }

  publishDeployments(ids: number[]): void {
    this.send({ origin: this.instance, deployments: ids });
  }

  /** Called with what another instance says about alerts. */
  onAlerts(listener: (news: AlertNews) => void): void {
    this.alertListeners.push(listener);
  }

  publishAlerts(news: AlertNews): void {
    this.send({ origin: this.instance, alerts: news });
  }

  publishExecutions(rows: unknown[]): void {
    this.send({ origin: this.instance, executions: rows });
  }

  publish(changes: DeviceChange[]): void {
    this.send({ origin: this.instance, changes });
  }

  private send(envelope: Envelope): void {
    // While the broker is down nothing is sent (the others resynchronise from the database when it is back).
    // Only the publishing connection counts: with just this instance's subscription down, the others still
    // listen, and a change not sent to them would be one they never resynchronise.
    if (!this.pubsub.canPublish) return;
    this.pubsub.engine.publish(this.topic, envelope).catch((err: Error) => {
      // At most one line a minute, however many batches fail (a partition fails every one of them).
      this.failedPublishes++;
      const now = performance.now();
      if (now - this.lastPublishWarning < 60_000) return;
      this.lastPublishWarning = now;
      this.log.warn({ err: err.message, failed: this.failedPublishes }, 'could not publish changes to other instances');
      this.failedPublishes = 0;
    });
  }

  async close(): Promise<void> {
    if (this.subscription !== null) this.pubsub.engine.unsubscribe(this.subscription);
    this.subscription = null;
  }
}
