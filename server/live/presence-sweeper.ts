import type { Logger } from '../logger.ts';
import type { DeviceChange, Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import type { Changes } from './changes.ts';
import type { InstanceRegistry } from './instance-registry.ts';

export interface SweeperDeps {
  registry: InstanceRegistry;
  fleet: Fleet;
  db: Db;
  changes: Changes;
  instance: string;
  intervalMs: number;
  log: Logger;
}

/** Every interval: devices shown online on instances that are gone are taken offline, everywhere. */
export function startPresenceSweeper(deps: SweeperDeps): { stop(): void } {
  const { registry, fleet, db, changes: apply, instance, log } = deps;
  let running = false;
  const sweep = async () => {
    const holders = new Set<string>();
    for (const d of fleet.devices.values())
      if (d.online && d.instance !== null && d.instance !== instance) holders.add(d.instance);
    if (holders.size === 0) return;
    const alive = await registry.alive([...holders]);
    for (const gone of holders) {
      if (alive.has(gone)) continue;
      const { count } = await db.device.updateMany({
        where: { instance: gone, online: true },
        data: { online: false, instance: null },
      });
      const now = Date.now();
      const changes: DeviceChange[] = [];
      for (const d of fleet.devices.values()) {
        if (d.online && d.instance === gone)
          changes.push({ serial: d.serial, at: now, values: null, online: false, instance: gone });
      }
      log.warn({ instance: gone, devices: changes.length, stored: count }, 'instance is gone; its devices are offline');
      apply.commit(changes);
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .catch((err: Error) => log.warn({ err: err.message }, 'presence sweep failed'))
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
