import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { DeviceChange } from '../state/fleet.ts';

interface Envelope {
  origin: string;
  changes: DeviceChange[];
}

/** The pub/sub engine between instances: Redis when configured, in-process otherwise. */
export interface PubSubHandle {
  engine: PubSubEngine;
  kind: 'redis' | 'in-process';
  /** A Redis client for other coordination (instance liveness), when the broker is Redis. */
  redis?: Redis;
  /** Throws when the broker is unreachable (readiness). */
  ping(): Promise<void>;
  /** Called after the connection to the broker came back: messages may have been lost meanwhile. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export function inProcessPubSub(engine: PubSubEngine = new PubSub()): PubSubHandle {
  return { engine, kind: 'in-process', ping: async () => {}, onReconnect() {}, close: async () => {} };
}

export async function redisPubSub(url: string, log: Logger): Promise<PubSubHandle> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true };
  const publisher = new Redis(url, { ...options, connectionName: 'smart-os-pub' });
  const subscriber = new Redis(url, { ...options, connectionName: 'smart-os-sub' });
  for (const client of [publisher, subscriber]) {
    client.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const listeners: Array<() => void> = [];
  // Registered after the first connection is up, so it fires on reconnects only.
  subscriber.on('ready', () => {
    log.warn('redis subscriber reconnected; resynchronising state');
    for (const l of listeners) l();
  });
  return {
    engine: new RedisPubSub({ publisher, subscriber }),
    kind: 'redis',
    redis: publisher,
    async ping() {
      await publisher.ping();
    },
    onReconnect(listener) {
      listeners.push(listener);
    },
    async close() {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

/**
 * Carries committed changes to the other instances. The local instance applies its own changes
 * directly, so subscribers here never wait on the broker, and skips its own echo.
 */
export class ChangeBus {
  private subscription: number | null = null;
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

  async start(onRemote: (changes: DeviceChange[]) => void): Promise<void> {
    this.subscription = await this.pubsub.engine.subscribe(
      this.topic,
      (message: Envelope) => {
        if (message.origin !== this.instance) onRemote(message.changes);
      },
      {},
    );
  }

  publish(changes: DeviceChange[]): void {
    const envelope: Envelope = { origin: this.instance, changes };
    this.pubsub.engine.publish(this.topic, envelope).catch((err: Error) => {
      this.log.warn({ err: err.message, changes: changes.length }, 'could not publish changes to other instances');
    });
  }

  async close(): Promise<void> {
    if (this.subscription !== null) this.pubsub.engine.unsubscribe(this.subscription);
    this.subscription = null;
  }
}
