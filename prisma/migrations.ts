import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { openSchemaEngine } from './engine.ts';

export type Provider = 'sqlite' | 'postgres';

// From source this file sits beside the schemas; compiled, it is dist/prisma/ and they stay in prisma/.
export const prismaDir = existsSync(join(import.meta.dirname, 'sqlite'))
  ? import.meta.dirname
  : resolve(import.meta.dirname, '../../prisma');

export function schemaPath(provider: Provider): string {
  return join(prismaDir, provider, 'schema.prisma');
}

export function migrationsDir(provider: Provider): string {
  return join(prismaDir, provider, 'migrations');
}

export const noFilters = { externalTables: [], externalEnums: [] };

/** The committed migrations of one provider, in the shape Prisma's schema engine reads. */
export async function loadMigrations(provider: Provider): Promise<MigrationList> {
  const baseDir = migrationsDir(provider);
  const entries = await readdir(baseDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  );
  const lockPath = join(baseDir, 'migration_lock.toml');
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockPath, 'utf8') },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/**
 * Applies the committed migrations that the database has not seen yet and records them in
 * `_prisma_migrations`, exactly like `prisma migrate deploy`, but offline (no engine download).
 */
export async function applyMigrations(provider: Provider, factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const { engine, close } = await openSchemaEngine(schemaPath(provider), factory);
  try {
    const out = await engine.applyMigrations({ migrationsList: await loadMigrations(provider), filters: noFilters });
    return out.appliedMigrationNames;
  } finally {
    await close();
  }
}
