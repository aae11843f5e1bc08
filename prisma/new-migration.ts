// Dev tool: `npm run db:migration -- <name>` after editing prisma/sqlite/schema.prisma.
// Regenerates the PostgreSQL schema from the SQLite one, then writes one migration per provider by
// diffing the schema snapshot of the latest migration against the new schema (no live database:
// the wasm engine cannot inspect a live PostgreSQL, see docs/storage.md).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { openSchemaEngine } from './engine.ts';
import { migrationsDir, noFilters, type Provider, schemaPath } from './migrations.ts';
import { postgresSchemaFrom } from './postgres-schema.ts';

const SNAPSHOT = 'schema.snapshot.prisma';

async function latestSnapshot(provider: Provider): Promise<string | null> {
  const dir = migrationsDir(provider);
  const names = (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const last = names.at(-1);
  return last ? readFile(join(dir, last, SNAPSHOT), 'utf8') : null;
}

export async function diffSchemas(provider: Provider, from: string | null, to: string): Promise<string> {
  // The engine needs an adapter to start; the diff itself only reads the two schema texts.
  const { engine, close } = await openSchemaEngine(schemaPath(provider), new PrismaBetterSqlite3({ url: ':memory:' }));
  try {
    const path = schemaPath(provider);
    const result = await engine.diff({
      from: from === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path, content: from }] },
      to: { tag: 'schemaDatamodel', files: [{ path, content: to }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return result.stdout ?? '';
  } finally {
    await close();
  }
}

export async function pendingDiff(provider: Provider): Promise<string> {
  const current = await readFile(schemaPath(provider), 'utf8');
  return diffSchemas(provider, await latestSnapshot(provider), current);
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error('usage: npm run db:migration -- <name_in_snake_case>');
    process.exit(2);
  }
  await writeFile(schemaPath('postgres'), postgresSchemaFrom(await readFile(schemaPath('sqlite'), 'utf8')));
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  for (const provider of ['sqlite', 'postgres'] as const) {
    const sql = await pendingDiff(provider);
    if (!/\S/.test(sql.replace(/^--.*$/gm, ''))) {
      console.log(`${provider}: schema unchanged, no migration`);
      continue;
    }
    const dir = join(migrationsDir(provider), `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'migration.sql'), sql);
    await writeFile(join(dir, SNAPSHOT), await readFile(schemaPath(provider), 'utf8'));
    const lock = `# Written by prisma/new-migration.ts\nprovider = "${provider === 'postgres' ? 'postgresql' : 'sqlite'}"\n`;
    await writeFile(join(migrationsDir(provider), 'migration_lock.toml'), lock);
    console.log(`${provider}: wrote ${dir}/migration.sql`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
