// A new version runs on trial until it has stayed connected for the deployment's health window; if it does
// not get there in time, it switches `current` back to the version before and exits, and the service
// manager starts that one, which reports `update_rollback`. A version that crashes before it can decide is
// switched back by launch.sh (it counts starts while on trial). Files in the agent's update dir:
//   trial.json        {version, previous, mark, healthSeconds, since}: the version on trial
//   trial-starts      how often launch.sh started it (written by launch.sh)
//   rolled-back.json  {mark}: reported once the previous version runs again
import { existsSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLLBACK_PARAMETER } from '../../protocol/releases.ts';
import type { Device } from '../device.ts';

export interface Trial {
  version: string;
  /** Where `current` pointed before (relative, e.g. versions/1.0.0). */
  previous: string;
  /** `<version>#<cmdid>`: reported as update_rollback if it is rolled back. */
  mark: string;
  healthSeconds: number;
  since: number;
}

/** How long past its health window a version on trial has to prove itself before it is rolled back. */
export const TRIAL_GRACE_SECONDS = 300;

/** Points `link` at `target` in one step (a new link renamed over the old one). */
export function switchLink(link: string, target: string): void {
  const fresh = `${link}.new`;
  rmSync(fresh, { force: true });
  symlinkSync(target, fresh);
  renameSync(fresh, link);
}

const read = <T>(file: string): T | null => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
};

/** Called as an update is installed, before the switch: the new version starts on trial. */
export function beginTrial(dir: string, trial: Omit<Trial, 'since'>): void {
  rmSync(join(dir, 'rolled-back.json'), { force: true });
  rmSync(join(dir, 'trial-starts'), { force: true });
  writeFileSync(join(dir, 'trial.json'), JSON.stringify({ ...trial, since: Date.now() }));
}

/** Switches back to the version before the trial, and leaves word for it to report. */
export function rollBack(dir: string, trial: Trial): void {
  switchLink(join(dir, 'current'), trial.previous);
  writeFileSync(join(dir, 'rolled-back.json'), JSON.stringify({ mark: trial.mark, version: trial.version }));
  rmSync(join(dir, 'trial.json'), { force: true });
  rmSync(join(dir, 'trial-starts'), { force: true });
}

/**
 * At start: reports a rollback that brought this version back, and, when this version is on trial,
 * confirms it after `healthSeconds` connected or rolls it back when that does not happen in time.
 * Returns a stop function.
 */
export function superviseTrial(
  dir: string,
  version: string,
  device: Device,
  exit: (code: number) => void,
  log: (line: string) => void,
): () => void {
  const back = read<{ mark: string; version: string }>(join(dir, 'rolled-back.json'));
  if (back) {
    log(`running again after ${back.version} was rolled back`);
    device.set({ [ROLLBACK_PARAMETER]: back.mark });
  }
  const trial = read<Trial>(join(dir, 'trial.json'));
  if (!trial || trial.version !== version) return () => {};
  let healthy: NodeJS.Timeout | null = null;
  const confirm = () => {
    rmSync(join(dir, 'trial.json'), { force: true });
    rmSync(join(dir, 'trial-starts'), { force: true });
    log(`${version} stayed connected for ${trial.healthSeconds} s: kept`);
    stop();
  };
  const onState = (to: string) => {
    if (to === 'connected' && !healthy) healthy = setTimeout(confirm, trial.healthSeconds * 1000);
    if (to !== 'connected' && healthy) {
      clearTimeout(healthy);
      healthy = null;
    }
  };
  device.on('state', onState);
  if (device.state === 'connected') onState('connected');
  const deadline = setTimeout(
    () => {
      if (!existsSync(join(dir, 'trial.json'))) return;
      log(`${version} did not stay connected for ${trial.healthSeconds} s in time: switching back to ${trial.previous}`);
      rollBack(dir, trial);
      exit(1);
    },
    Math.max(0, trial.since + (trial.healthSeconds + TRIAL_GRACE_SECONDS) * 1000 - Date.now()),
  );
  const stop = () => {
    clearTimeout(deadline);
    if (healthy) clearTimeout(healthy);
    device.off('state', onState);
  };
  return stop;
}

/** What `current` points at now (relative), or null. */
export const currentTarget = (dir: string): string | null => {
  try {
    return readlinkSync(join(dir, 'current'));
  } catch {
    return null;
  }
};
