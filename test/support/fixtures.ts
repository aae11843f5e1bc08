import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared folder beside the repository (`../shared`), or SMARTOS_SHARED. */
export const sharedDir = process.env.SMARTOS_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));

export interface RecordedFrame {
  loggedAt: string;
  frame: string;
}

/** Every frame recorded from the original devices, in order. */
export function seedTraffic(): RecordedFrame[] {
  const path = `${sharedDir}/fixtures/seed-traffic.jsonl`;
  if (!existsSync(path)) throw new Error(`seed traffic not found at ${path}; set SMARTOS_SHARED to the shared folder`);
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const record = JSON.parse(line) as { logged_at: string; frame: string };
      return { loggedAt: record.logged_at, frame: record.frame };
    });
}
