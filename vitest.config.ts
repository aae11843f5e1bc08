import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Libraries get graphql's CommonJS entry from Node; our transformed files would get its ES module
    // entry from Vite: two copies, and "Cannot use GraphQLScalarType from another module or realm".
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-dashboard.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more parallel files only makes the timing-sensitive ones flaky.
    maxWorkers: 2,
  },
});
