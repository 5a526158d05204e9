import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.ts';

// The GPU check lives beside the other tools, in its own folder.
export default mergeConfig(sharedTestConfig, defineConfig({ test: { include: ['gpu-check/src/**/*.test.ts'] } }));
