// Shared vitest settings: every project's vitest.config.ts spreads these.
import { isAbsolute, relative, resolve } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import type { Reporter, TestCase } from 'vitest/node';

/**
 * The end-to-end tests, from the repository root: they run the real CLI, Nx or Slurm in child
 * processes, and take minutes. SIEVE_UNIT_ONLY=1 leaves them out, keeping the unit tests.
 */
export const endToEndTests = [
  'packages/trainer/src/cli.test.ts',
  'packages/trainer/src/nx-flags.test.ts',
  'packages/trainer/src/supervisor.test.ts',
  'packages/trainer/src/resume.test.ts',
  'packages/trainer/src/exit-codes.test.ts',
  'packages/trainer/src/disk-full.test.ts',
  'packages/trainer/src/energy-command.test.ts',
  'packages/trainer/src/files/files-data.test.ts',
  'packages/trainer/src/files/equivalence.test.ts',
  'packages/trainer/src/bench/bench-command.test.ts',
  'packages/trainer/src/bench/slurm-engine.test.ts',
  'examples/selector-diverse-learnability/src/train.test.ts',
  'tools/src/selector-generator.test.ts',
  'tools/gpu-check/src/gpu-check.test.ts',
];

// Exclude patterns are relative to the project's folder, where vitest runs (nx's test target cwd).
const ownEndToEndTests = endToEndTests
  .map((file) => relative(process.cwd(), resolve(import.meta.dirname, file)))
  .filter((file) => !file.startsWith('..') && !isAbsolute(file));

/**
 * In CI (CI=true) a failed test runs once more: CI's machine is shared, and one timing-sensitive
 * test failing once there blocked a whole submission without a name to go on. A test that passes
 * only on its second try is printed as RETRIED, and .ci/run lists those lines at its end.
 */
const retries = process.env.CI === 'true' ? 1 : 0;

const retriedTests: Reporter = {
  onTestCaseResult(testCase: TestCase) {
    const count = testCase.diagnostic()?.retryCount ?? 0;
    if (count > 0) {
      const file = relative(resolve(import.meta.dirname), testCase.module.moduleId);
      console.log(`RETRIED ${file} > ${testCase.fullName}: ${count} more try, then ${testCase.result().state}`);
    }
  },
};

export const sharedTestConfig = defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    exclude: process.env.SIEVE_UNIT_ONLY === '1' ? [...configDefaults.exclude, ...ownEndToEndTests] : configDefaults.exclude,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    retry: retries,
    reporters: ['default', retriedTests],
  },
});
