import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient as PostgresClient } from '../../prisma/generated/postgres/client.ts';
import { PrismaClient as SqliteClient } from '../../prisma/generated/sqlite/client.ts';
import { applyMigrations } from '../../prisma/migrations.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { ensurePgDatabase } from './pg-database.ts';
import { openSqliteFile } from './sqlite-dialect.ts';
import { sqliteFile } from './sqlite-url.ts';

/**
 * The Prisma client the app reads with. Both providers' clients are generated from one model, so
 * they share this type.
 */
export type Db = SqliteClient;

export type DatabaseConfig = Pick<Config, 'provider' | 'databaseUrl' | 'sqliteSync'>;

function adapterFactory(config: DatabaseConfig): SqlMigrationAwareDriverAdapterFactory {
  if (config.provider === 'postgres') return new PrismaPg({ connectionString: config.databaseUrl, max: 5 });
  // Dates as integer milliseconds: compact, and what the writer thread stores.
  return new PrismaBetterSqlite3({ url: config.databaseUrl, timeout: 10_000 }, { timestampFormat: 'unixepoch-ms' });
}

/** Migrates the database (offline, at every start) and opens the client the app reads with. */
export async function openDatabase(config: DatabaseConfig, log: Logger, options: { migrate?: boolean } = {}): Promise<Db> {
  if (config.provider === 'sqlite') {
    const path = sqliteFile(config.databaseUrl);
    mkdirSync(dirname(path), { recursive: true });
    // WAL before anything else opens the file: readers and the writer thread then never block each other.
    openSqliteFile(path, config.sqliteSync).close();
  } else await ensurePgDatabase(config.databaseUrl, log);
  const applied = options.migrate === false ? [] : await applyMigrations(config.provider, adapterFactory(config));
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  const adapter = adapterFactory(config);
  return config.provider === 'postgres' ? (new PostgresClient({ adapter }) as unknown as Db) : new SqliteClient({ adapter });
}
