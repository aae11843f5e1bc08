/** The PostgreSQL schema is the SQLite schema with another provider and client output. */
export function postgresSchemaFrom(sqliteSchema: string): string {
  const body = sqliteSchema
    .replace(/^(\/\/.*\n)+/, '')
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('../generated/sqlite', '../generated/postgres');
  return `// Generated from prisma/sqlite/schema.prisma by \`npm run db:migration\`; do not edit.\n${body}`;
}
