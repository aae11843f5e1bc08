import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Traffic recorded from the original devices, committed with the tests. */
export const SEED_TRAFFIC = fileURLToPath(new URL('../fixtures/seed-traffic.jsonl', import.meta.url));

export interface RecordedFrame {
  loggedAt: string;
  frame: string;
}

/** Every frame recorded from the original devices, in order. */
export function seedTraffic(): RecordedFrame[] {
  return readFileSync(SEED_TRAFFIC, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const record = JSON.parse(line) as { logged_at: string; frame: string };
      return { loggedAt: record.logged_at, frame: record.frame };
    });
}
