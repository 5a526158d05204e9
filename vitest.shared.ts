// Shared vitest settings: every project's vitest.config.ts spreads these.
import { defineConfig } from 'vitest/config';

export const sharedTestConfig = defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
