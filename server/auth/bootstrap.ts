import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Accounts } from './accounts.ts';
import type { Credentials } from './credentials.ts';
import { randomPassword } from './passwords.ts';

export const LOCAL_KEY_FILE = 'enrollment.key';
export const ADMIN_PASSWORD_FILE = 'admin-password.txt';

/**
 * Where the first admin password goes: to a terminal that a person reads, else (stdout captured into a
 * log) into a mode-600 file under the data folder, never into a log line.
 */
export type PasswordSink = (password: string, text: string) => void;

/**
 * First start: an `admin` with ADMIN_PASSWORD, or a random password shown once: on the terminal when
 * stdout is one, else in <dataDir>/admin-password.txt (mode 600). Never in a log line.
 * Every start: an enrollment key of the first admin in <dataDir>/enrollment.key (mode 600), so an
 * emulator on the same machine registers its devices without anyone typing a key.
 */
export async function bootstrapAccounts(
  config: Pick<Config, 'auth' | 'adminPassword' | 'dataDir'>,
  accounts: Accounts,
  credentials: Credentials,
  log: Logger,
  print?: (text: string) => void,
): Promise<void> {
  if (config.auth === 'off') {
    log.warn('AUTH=off: LAB MODE. Anyone who can reach this server sees and controls every device without signing in.');
  }
  if ((await accounts.userCount()) === 0) {
    const password = config.adminPassword ?? randomPassword();
    try {
      await accounts.createUser('admin', password, 'admin');
    } catch (err) {
      // Another instance starting at the same moment made it first (whichever way the race showed).
      if ((await accounts.userCount()) > 0) return;
      throw err;
    }
    if (config.adminPassword) log.info('created the admin account with ADMIN_PASSWORD');
    else {
      const text = `\n  SMART-OS created an admin account. Sign in at the dashboard with\n\n    username: admin\n    password: ${password}\n\n  This is shown once. Change it after signing in, or reset it with \`npm run admin -- reset-password\`.\n\n`;
      if (print) print(text);
      else if (process.stdout.isTTY) {
        process.stdout.write(text);
        log.info('created the admin account with a random password (printed to the terminal once)');
      } else {
        const file = join(config.dataDir, ADMIN_PASSWORD_FILE);
        writeFileSync(file, text.trimStart(), { mode: 0o600 });
        chmodSync(file, 0o600);
        log.warn(
          { file },
          `created the admin account with a random password; stdout is not a terminal, so it is in ${file} (mode 600): read it, sign in, then delete the file`,
        );
      }
    }
  }
  const path = join(config.dataDir, LOCAL_KEY_FILE);
  let current: string | null = null;
  try {
    current = readFileSync(path, 'utf8').trim();
  } catch {
    // no key yet
  }
  if (current && (await credentials.keyValid(current))) return;
  const admin = (await accounts.users()).find((u) => u.role === 'admin');
  if (!admin) return;
  const { secret } = await credentials.createKey(admin.id, 'local emulator (enrollment.key)');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  log.info({ path }, 'wrote a local enrollment key for emulators on this machine');
}
