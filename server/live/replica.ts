import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { diffFleets } from '../state/diff.ts';
import type { DeviceChange, Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import { fleetId } from '../storage/fleet-id.ts';
import { loadFleet } from '../storage/load-fleet.ts';
import { ChangeBus, type PubSubHandle } from './bus.ts';
import { Changes } from './changes.ts';
import { LiveHub } from './hub.ts';
import { InstanceRegistry } from './instance-registry.ts';
import { startPresenceSweeper } from './presence-sweeper.ts';

/** This instance's live state of the fleet, kept in step with the other instances. */
export interface Replica {
  /** One id per database: instances of one fleet share it (pub/sub topics, Redis keys). */
  fleetKey: string;
  fleet: Fleet;
  hub: LiveHub;
  bus: ChangeBus;
  changes: Changes;
  /** Which instances are alive (with Redis only): their devices' presence is believed. */
  registry: InstanceRegistry | null;
  /** Starts keeping presence true across instances (with Redis only); `localSerials`: sockets held here. */
  startPresence(localSerials: () => Iterable<string>): { stop(): void };
}

export interface ReplicaOptions {
  db: Db;
  pubsub: PubSubHandle;
  instance: string;
  /** No other instance can hold a device socket (in-process pub/sub of this process only). */
  alone: boolean;
  config: Pick<Config, 'coalesceMs' | 'heartbeatMs'>;
  log: Logger;
}

/**
 * Loads the committed state and joins the other instances: their changes are applied here, and after a
 * broker reconnect (messages may have been lost) the state is re-read and the difference applied.
 */
export async function openReplica(options: ReplicaOptions): Promise<Replica> {
  const { db, pubsub, instance, log } = options;
  if (options.alone) {
    // No other instance can hold a socket: whatever the database says is online was left by a crash.
    await db.device.updateMany({ where: { online: true }, data: { online: false, instance: null } });
  }
  const fleetKey = await fleetId(db);
  const bus = new ChangeBus(pubsub, fleetKey, instance, log.child({ ns: 'bus' }));
  // Listen before loading, so no change committed elsewhere falls between the two.
  let changes: Changes | null = null;
  const early: DeviceChange[][] = [];
  await bus.start((remote) => (changes ? changes.receive(remote) : early.push(remote)));
  const fleet = await loadFleet(db);
  const hub = new LiveHub(fleet, { coalesceMs: options.config.coalesceMs, maxQueuedChanges: 10_000 });
  const ready = new Changes(fleet, hub, bus);
  for (const remote of early) ready.receive(remote);
  changes = ready;
  const resync = () =>
    loadFleet(db).then(
      (fresh) => {
        ready.receive(diffFleets(fleet, fresh));
        // Parameters' display metadata an admin changed meanwhile.
        for (const p of fresh.parameters.values()) {
          const mine = fleet.parameters.get(p.name);
          if (mine) mine.overrides = p.overrides;
        }
      },
      (err: Error) => log.error({ err: err.message }, 'could not resynchronise state after a broker reconnect'),
    );
  pubsub.onReconnect(() => void resync());
  const registry = pubsub.redis ? new InstanceRegistry(pubsub.redis, fleetKey, instance, options.config.heartbeatMs) : null;
  registry?.start();
  const startPresence = (localSerials: () => Iterable<string>) =>
    registry
      ? startPresenceSweeper({
          registry,
          pubsub,
          fleet,
          db,
          changes: ready,
          instance,
          localSerials,
          intervalMs: options.config.heartbeatMs,
          log: log.child({ ns: 'presence' }),
        })
      : { stop() {} };
  return { fleetKey, fleet, hub, bus, changes: ready, registry, startPresence };
}
