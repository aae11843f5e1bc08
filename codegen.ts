import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the dashboard, from the SDL that `npm run schema` prints.
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['dashboard/src/**/*.{ts,tsx}', '!dashboard/src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'dashboard/src/gql/': {
      preset: 'client',
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown' } },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
