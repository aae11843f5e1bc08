// `npm run admin -- <command> [options] [server flags]`: what an operator does without the dashboard.
// Server flags (--data-dir, --database-url, … or their environment variables) say which database.
// Works while the server runs, except restore; sessions ended here end elsewhere within 10 s.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AdminError, backup, restore } from './admin/backup.ts';
import { Accounts, sessionMsOf } from './auth/accounts.ts';
import { Credentials } from './auth/credentials.ts';
import { randomPassword } from './auth/passwords.ts';
import { type Config, ConfigError, configFromProcess } from './config.ts';
import { BadInputError } from './errors.ts';
import { createLogger } from './logger.ts';
import { type Db, openDatabase } from './storage/database.ts';
import { sqliteFile } from './storage/sqlite-url.ts';

const USAGE = `usage: npm run admin -- <command> [options] [server flags, e.g. --data-dir DIR or --database-url URL]

  create-user --username NAME [--role owner|admin]   a new account; its random password is printed once
  list-users                                         every account: name, role, created, disabled
  reset-password [--username NAME]                   a new password (ADMIN_PASSWORD, else random, printed once)
  create-enrollment-key --username OWNER [--label TEXT]
                                                     a key that enrolls devices to OWNER, printed once
  backup <file>                                      a consistent copy, also while the server runs
                                                     (SQLite: online backup API; PostgreSQL: pg_dump)
  restore <file>                                     replaces the database with a backup (servers stopped)
`;

function fail(message: string, status = 1): never {
  process.stderr.write(`smart-os admin: ${message}\n`);
  process.exit(status);
}

const [command = '', ...rest] = process.argv.slice(2);
const ours = { username: { type: 'string' }, role: { type: 'string' }, label: { type: 'string' } } as const;
// Our options first; every other flag is a server setting and goes to the configuration.
const mine: string[] = [];
const serverArgs: string[] = [];
const positional: string[] = [];
for (let i = 0; i < rest.length; i++) {
  const arg = rest[i] as string;
  const name = arg.replace(/^--/, '').split('=')[0] as string;
  if (arg.startsWith('--') && name in ours) mine.push(arg, ...(arg.includes('=') ? [] : [rest[++i] ?? '']));
  else if (arg.startsWith('-'))
    serverArgs.push(arg, ...(arg.includes('=') || arg === '--help' || arg === '-h' ? [] : [rest[++i] ?? '']));
  else positional.push(arg);
}
const options = parseArgs({ args: mine, options: ours, strict: true }).values;

let config: Config | 'help';
try {
  config = configFromProcess(serverArgs, process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  fail(err.message, 2);
}
const commands = ['create-user', 'list-users', 'reset-password', 'create-enrollment-key', 'backup', 'restore'];
if (config === 'help' || command === '--help' || command === '-h') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!commands.includes(command)) {
  process.stderr.write(USAGE);
  process.exit(2);
}

async function withDatabase(cfg: Config, work: (db: Db) => Promise<void>): Promise<void> {
  const log = createLogger('warn', false);
  // A running server holds the SQLite file: an existing one was migrated by it, and is not migrated again here.
  const existing = cfg.provider === 'sqlite' && existsSync(sqliteFile(cfg.databaseUrl));
  const db = await openDatabase(cfg, log, { migrate: !existing });
  try {
    await work(db);
  } finally {
    await db.$disconnect();
  }
}

async function main(cfg: Config): Promise<void> {
  const file = positional[0];
  switch (command) {
    case 'backup': {
      if (!file) fail('backup needs a file name', 2);
      const bytes = await backup(cfg, file as string);
      process.stdout.write(`Backed up the ${cfg.provider} database to ${file} (${bytes} bytes).\n`);
      return;
    }
    case 'restore':
      if (!file) fail('restore needs a file name', 2);
      await restore(cfg, file as string);
      process.stdout.write(`Restored ${file}; start the server (it migrates the database if the backup is older).\n`);
      return;
  }
  await withDatabase(cfg, async (db) => {
    const accounts = new Accounts(db, sessionMsOf(cfg.sessionDays));
    const username = options.username ?? (command === 'reset-password' ? 'admin' : undefined);
    if (command !== 'list-users' && !username) throw new BadInputError(`${command} needs --username`);
    const name = username as string;
    switch (command) {
      case 'list-users': {
        const rows = await accounts.users();
        for (const u of rows) {
          const state = u.disabledAt ? `disabled ${new Date(u.disabledAt).toISOString()}` : 'active';
          process.stdout.write(`${u.username.padEnd(24)} ${u.role.padEnd(6)} ${new Date(u.createdAt).toISOString()}  ${state}\n`);
        }
        if (rows.length === 0) process.stdout.write('(no users)\n');
        return;
      }
      case 'create-user': {
        const role = options.role ?? 'owner';
        if (role !== 'owner' && role !== 'admin') throw new BadInputError('--role is owner or admin');
        const password = randomPassword();
        await accounts.createUser(name, password, role);
        process.stdout.write(
          `Created ${role} ${name}; password: ${password}\n(shown once; they can change it under their name in the dashboard)\n`,
        );
        return;
      }
      case 'reset-password': {
        const password = cfg.adminPassword ?? randomPassword();
        const user = await accounts.userByName(name);
        if (user) await accounts.setPassword(user.id, password);
        else if (name === 'admin') await accounts.createUser('admin', password, 'admin');
        else throw new BadInputError(`no user ${name}`);
        process.stdout.write(
          cfg.adminPassword
            ? `The password of ${name} is now ADMIN_PASSWORD; their sessions have ended.\n`
            : `New password of ${name}: ${password}\n(shown once; their sessions have ended)\n`,
        );
        return;
      }
      case 'create-enrollment-key': {
        const owner = await accounts.userByName(name);
        if (!owner) throw new BadInputError(`no user ${name}`);
        const { secret } = await new Credentials(db).createKey(owner.id, options.label ?? 'created with npm run admin');
        process.stdout.write(
          `Enrollment key for ${name}: ${secret}\n(shown once; devices that bring it are registered to ${name})\n`,
        );
        return;
      }
    }
  });
}

try {
  await main(config);
} catch (err) {
  if (err instanceof AdminError || err instanceof BadInputError) fail(err.message);
  throw err;
}
