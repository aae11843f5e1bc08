import type { Logger } from '../logger.ts';
import type { DeviceChange, Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import type { PubSubHandle } from './bus.ts';
import type { Changes } from './changes.ts';
import type { InstanceRegistry } from './instance-registry.ts';

export interface SweeperDeps {
  registry: InstanceRegistry;
  pubsub: PubSubHandle;
  fleet: Fleet;
  db: Db;
  changes: Changes;
  instance: string;
  /** Serials whose sockets this instance holds now. */
  localSerials: () => Iterable<string>;
  intervalMs: number;
  log: Logger;
}

/** Sweeps in a row an instance's key must be missing before its devices are taken offline. */
const MISSES_TO_DECIDE = 2;

/**
 * Presence across instances, every interval:
 * - this instance's connected devices are online here, whatever a partition or an outage made others
 *   believe (so presence converges to the truth once Redis is back);
 * - devices shown online on an instance whose key is gone are taken offline, everywhere. That judgement is
 *   made only from answers: never while Redis is unreachable, never before every live instance had a full
 *   key lifetime to write its key again after Redis came back (empty), and only after two missed sweeps.
 */
export function startPresenceSweeper(deps: SweeperDeps): { stop(): void } {
  const { registry, pubsub, fleet, db, changes, instance, log } = deps;
  const misses = new Map<string, number>();
  let running = false;

  const reassert = async () => {
    const mine: string[] = [];
    for (const serial of deps.localSerials()) {
      const d = fleet.get(serial);
      // Online elsewhere is left alone: the device may have moved there since (that socket is newer).
      if (d && !d.online) mine.push(serial);
    }
    if (mine.length === 0) return;
    await db.device.updateMany({ where: { serial: { in: mine } }, data: { online: true, instance } });
    const now = Date.now();
    changes.commit(mine.map((serial): DeviceChange => ({ serial, at: now, values: null, online: true, instance })));
    log.info({ devices: mine.length }, 'devices connected here were shown offline; they are online again');
  };

  const judge = async () => {
    if (!pubsub.up || pubsub.upSince === null || performance.now() - pubsub.upSince < registry.ttlMs) return;
    const holders = new Set<string>();
    for (const d of fleet.devices.values())
      if (d.online && d.instance !== null && d.instance !== instance) holders.add(d.instance);
    for (const id of misses.keys()) if (!holders.has(id)) misses.delete(id);
    if (holders.size === 0) return;
    const alive = await registry.alive([...holders]);
    for (const holder of holders) {
      if (alive.has(holder)) {
        misses.delete(holder);
        continue;
      }
      const missed = (misses.get(holder) ?? 0) + 1;
      misses.set(holder, missed);
      if (missed < MISSES_TO_DECIDE) continue;
      misses.delete(holder);
      const { count } = await db.device.updateMany({
        where: { instance: holder, online: true },
        data: { online: false, instance: null },
      });
      const now = Date.now();
      const gone: DeviceChange[] = [];
      for (const d of fleet.devices.values()) {
        if (d.online && d.instance === holder)
          gone.push({ serial: d.serial, at: now, values: null, online: false, instance: holder });
      }
      log.warn({ instance: holder, devices: gone.length, stored: count }, 'instance is gone; its devices are offline');
      changes.commit(gone);
    }
  };

  const timer = setInterval(() => {
    if (running) return;
    running = true;
    reassert()
      .then(judge)
      .catch((err: Error) => log.warn({ err: err.message }, 'presence sweep failed; nothing was decided'))
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs);
  timer.unref();
  // After Redis comes back (possibly empty), this instance's key is there again at once.
  pubsub.onReconnect(() => registry.beat());
  return { stop: () => clearInterval(timer) };
}
