// Backup and restore, for `npm run admin -- backup|restore <file>`.
// SQLite: SQLite's online backup API (a consistent copy while the server writes; a file copy of a live
// WAL database is not one). PostgreSQL: pg_dump's custom format, restored by pg_restore.
import { spawn } from 'node:child_process';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../config.ts';
import { sqliteFile } from '../storage/sqlite-url.ts';

export class AdminError extends Error {
  override name = 'AdminError';
}

type Target = Pick<Config, 'provider' | 'databaseUrl'>;

/** The URL without its password, and the password for PGPASSWORD: arguments are visible to `ps`. */
function pgArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: `--dbname=${u.toString()}`, env: password ? { ...process.env, PGPASSWORD: password } : process.env };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', (err) => reject(new AdminError(`${command}: ${err.message} (is the PostgreSQL client installed?)`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new AdminError(`${command} failed: ${stderr.trim()}`))));
  });
}

/** Writes a consistent copy of the database to `file` (refuses to overwrite); returns its size in bytes. */
export async function backup(target: Target, file: string): Promise<number> {
  if (existsSync(file)) throw new AdminError(`${file} exists; give a new file name`);
  if (target.provider === 'sqlite') {
    const path = sqliteFile(target.databaseUrl);
    if (!existsSync(path)) throw new AdminError(`no database at ${path}`);
    const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 10_000 });
    try {
      await db.backup(file);
    } finally {
      db.close();
    }
  } else {
    const { dbname, env } = pgArgs(target.databaseUrl);
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, dbname], env);
  }
  return statSync(file).size;
}

/** Refuses to restore under a running server: SQLite cannot take an exclusive lock then. */
function assertSqliteIdle(path: string): void {
  const db = new Database(path, { timeout: 200, fileMustExist: true });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch {
    throw new AdminError('the database is in use: stop the server first');
  } finally {
    db.close();
  }
}

/** A backup must be a SMART-OS database: intact, with its migrations table. */
function assertSqliteBackup(file: string): void {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new AdminError(`cannot open ${file}: ${(err as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('_prisma_migrations', 'device')")
      .all();
    if (check !== 'ok' || tables.length !== 2) throw new AdminError(`${file} is not a SMART-OS SQLite backup`);
  } catch (err) {
    if (err instanceof AdminError) throw err;
    throw new AdminError(`${file} is not a SMART-OS SQLite backup (${(err as Error).message})`);
  } finally {
    db.close();
  }
}

/**
 * Replaces the database with a backup. Every server using it must be stopped; the next start migrates
 * a backup taken by an older version.
 */
export async function restore(target: Target, file: string): Promise<void> {
  if (!existsSync(file)) throw new AdminError(`no file ${file}`);
  if (target.provider === 'sqlite') {
    assertSqliteBackup(file);
    const path = sqliteFile(target.databaseUrl);
    if (existsSync(path)) assertSqliteIdle(path);
    const staging = `${path}.restoring`;
    rmSync(staging, { force: true });
    const source = new Database(file, { readonly: true, fileMustExist: true });
    try {
      await source.backup(staging);
    } finally {
      source.close();
    }
    for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    renameSync(staging, path);
    return;
  }
  const client = new pg.Client({ connectionString: target.databaseUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const others = await client.query(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    if ((others.rows[0] as { n: number }).n > 0) throw new AdminError('the database is in use: stop every server first');
  } finally {
    await client.end().catch(() => {});
  }
  const { dbname, env } = pgArgs(target.databaseUrl);
  await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', dbname, file], env);
}
