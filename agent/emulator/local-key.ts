import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The enrollment key a server on this machine wrote to its data folder: with it, `npm start` then
 * `npm run emulate` works without typing a key, and the devices belong to the admin.
 */
export function localEnrollmentKey(dataDir: string): string | undefined {
  try {
    const key = readFileSync(join(dataDir, 'enrollment.key'), 'utf8').trim();
    return key.startsWith('sos_e_') ? key : undefined;
  } catch {
    return undefined;
  }
}
