import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { PrismaClient as SqliteClient } from '../../prisma/generated/sqlite/client.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { MigrateResult } from './migrate-thread.ts';
import { ensurePgDatabase } from './pg-database.ts';
import { openSqliteFile } from './sqlite-dialect.ts';
import { sqliteFile } from './sqlite-url.ts';
import { startThread } from './thread.ts';

/**
 * The Prisma client the app reads with. Both providers' clients are generated from one model, so
 * they share this type.
 */
export type Db = SqliteClient;

export type DatabaseConfig = Pick<Config, 'provider' | 'databaseUrl' | 'sqliteSync'>;

/** How long a SQLite query waits for the write lock (held by the writer thread while it commits). */
const SQLITE_BUSY_MS = 10_000;

// Each provider's client and driver are imported only when used: a SQLite server never loads the
// PostgreSQL ones (each client carries its own query compiler, tens of MB resident).
export async function adapterFactory(config: DatabaseConfig): Promise<SqlMigrationAwareDriverAdapterFactory> {
  if (config.provider === 'postgres') {
    const { PrismaPg } = await import('@prisma/adapter-pg');
    return new PrismaPg({ connectionString: config.databaseUrl, max: 5 });
  }
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  // Dates as integer milliseconds: compact, and what the writer thread stores.
  return new PrismaBetterSqlite3({ url: config.databaseUrl, timeout: SQLITE_BUSY_MS }, { timestampFormat: 'unixepoch-ms' });
}

async function newClient(config: DatabaseConfig): Promise<Db> {
  if (config.provider === 'postgres') {
    const { PrismaClient } = await import('../../prisma/generated/postgres/client.ts');
    return new PrismaClient({ adapter: await adapterFactory(config) }) as unknown as Db;
  }
  const { PrismaClient } = await import('../../prisma/generated/sqlite/client.ts');
  // Synchronous on the event loop (better-sqlite3): a write that meets the writer thread's lock waits there, so
  // writes on busy paths go through the writer thread instead (alert transitions: alert-rows.ts). Running this
  // driver in a thread of its own was tried and was worse: a transaction then holds the write lock across
  // turns of a loaded event loop, and device frames' commits wait for it (bench:deployments ack p99 0.3 → 2.3 s).
  return new PrismaClient({ adapter: await adapterFactory(config) });
}

/**
 * Applies the committed migrations in a thread of its own: Prisma's schema engine (WebAssembly) takes
 * about 50 MB that would otherwise stay resident for the life of the server.
 */
function migrate(config: DatabaseConfig): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const thread = startThread('migrate-thread', { workerData: config, name: 'smart-os-migrate' });
    let answered = false;
    thread.once('message', (msg: MigrateResult) => {
      answered = true;
      if ('applied' in msg) resolve(msg.applied);
      else reject(new Error(msg.error));
    });
    thread.once('error', (err) => {
      answered = true;
      reject(err);
    });
    thread.once('exit', (code) => {
      if (!answered) reject(new Error(`migrations stopped (thread exit ${code})`));
    });
  });
}

/** Migrates the database (offline, at every start) and opens the client the app reads with. */
export async function openDatabase(config: DatabaseConfig, log: Logger, options: { migrate?: boolean } = {}): Promise<Db> {
  if (config.provider === 'sqlite') {
    const path = sqliteFile(config.databaseUrl);
    mkdirSync(dirname(path), { recursive: true });
    // WAL before anything else opens the file: readers and the writer thread then never block each other.
    openSqliteFile(path, config.sqliteSync).close();
  } else await ensurePgDatabase(config.databaseUrl, log);
  const applied = options.migrate === false ? [] : await migrate(config);
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  return newClient(config);
}
