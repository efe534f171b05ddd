import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // End-to-end tests start the twin (HTTPS + SSH servers) and the bundled action in child processes.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
