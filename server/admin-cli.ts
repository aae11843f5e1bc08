// `npm run admin -- reset-password [--username admin] [--data-dir data] [--database-url …]`
// Sets a new password (ADMIN_PASSWORD when given, else a random one printed once) and ends that
// user's sessions. Works while the server runs: sessions elsewhere end within 10 s.

import { existsSync } from 'node:fs';
import { Accounts, sessionMsOf } from './auth/accounts.ts';
import { randomPassword } from './auth/passwords.ts';
import { ConfigError, configFromProcess } from './config.ts';
import { ForbiddenError } from './errors.ts';
import { createLogger } from './logger.ts';
import { openDatabase } from './storage/database.ts';
import { sqliteFile } from './storage/sqlite-url.ts';

const USAGE = 'usage: npm run admin -- reset-password [--username NAME] [--data-dir DIR] [--database-url URL]\n';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'reset-password') {
  process.stderr.write(USAGE);
  process.exit(2);
}
// --username is ours; every other flag is a server setting (where the database is).
const at = rest.indexOf('--username');
const username = at >= 0 ? (rest[at + 1] ?? '') : 'admin';
const serverArgs = at >= 0 ? [...rest.slice(0, at), ...rest.slice(at + 2)] : rest;
let config: ReturnType<typeof configFromProcess>;
try {
  config = configFromProcess(serverArgs, process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`smart-os admin: ${err.message}\n`);
  process.exit(2);
}
if (config === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}
const log = createLogger('warn', false);
// A running server holds the SQLite file: an existing one was migrated by it, and is not migrated again here.
const existing = config.provider === 'sqlite' && existsSync(sqliteFile(config.databaseUrl));
const db = await openDatabase(config, log, { migrate: !existing });
const accounts = new Accounts(db, sessionMsOf(config.sessionDays));
const password = config.adminPassword ?? randomPassword();
try {
  const user = await accounts.userByName(username);
  if (user) await accounts.setPassword(user.id, password);
  else if (username === 'admin') await accounts.createUser('admin', password, 'admin');
  else throw new ForbiddenError(`no user ${username}`);
} catch (err) {
  process.stderr.write(`smart-os admin: ${(err as Error).message}\n`);
  await db.$disconnect();
  process.exit(1);
}
await db.$disconnect();
process.stdout.write(
  config.adminPassword
    ? `The password of ${username} is now ADMIN_PASSWORD; their sessions have ended.\n`
    : `New password of ${username}: ${password}\n(shown once; their sessions have ended)\n`,
);
