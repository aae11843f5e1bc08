// `npm run schema`: prints the SDL that codegen and reviewers read; a test keeps it in sync.
import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.ts';

export const schemaFile = new URL('./schema.graphql', import.meta.url);

export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) writeFileSync(schemaFile, printedSchema());
