import { join } from 'node:path';
import { runConfigSchema, type RunConfig, type RunConfigInput } from '@sieve/core';

/**
 * A run small enough for a test (20 steps of b = 8 from N = 40, tiny towers and reference), writing
 * into `out` and caching beside it; `overrides` replace whole top-level settings.
 */
export function tinyRunConfig(out: string, overrides: Partial<RunConfigInput> = {}): RunConfig {
  return runConfigSchema.parse({
    steps: 20,
    batchSize: 8,
    filterRatio: 0.8,
    chunks: 2,
    seed: 1,
    evalEvery: 10,
    out,
    data: { cacheDir: join(out, '..', 'cache') },
    model: { hiddenDim: 16, embeddingDim: 8, textEmbeddingDim: 8, patchSize: 4, coarsePatchSize: 8 },
    reference: { steps: 30, batchSize: 16, hiddenDim: 16, embeddingDim: 8 },
    energy: { enabled: false },
    ...overrides,
  });
}
