import type { Config } from '../config.ts';
import { sqliteFile } from '../storage/sqlite-url.ts';
import { postgresHistory } from './postgres-source.ts';
import type { HistorySource } from './rows.ts';
import { sqliteHistory } from './sqlite-source.ts';

/** The history reader of the configured database: its own connection, apart from Prisma's and the writer's. */
export function openHistorySource(config: Pick<Config, 'provider' | 'databaseUrl'>): HistorySource {
  return config.provider === 'sqlite' ? sqliteHistory(sqliteFile(config.databaseUrl)) : postgresHistory(config.databaseUrl);
}
