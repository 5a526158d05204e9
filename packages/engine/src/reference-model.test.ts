import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEvents, runConfigSchema, type RunConfig } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { initBackend } from '@sieve/tensor';
import { modelSpecOf } from './model-spec';
import { PhaseLedger } from './phase-ledger';
import { prepareReference, referenceCacheKey } from './reference-model';
import { syntheticContrastiveDataset } from './testing/synthetic-dataset';

afterAll(removeTempDirs);

function configWith(maxShift: number): RunConfig {
  return runConfigSchema.parse({
    steps: 1,
    batchSize: 8,
    filterRatio: 0.8,
    chunks: 2,
    seed: 1,
    evalEvery: 1,
    out: 'unused',
    // A fresh cache for every call, so each one trains its own reference.
    data: { cacheDir: tempDir('sieve-reference-') },
    model: { hiddenDim: 16, embeddingDim: 8, textEmbeddingDim: 8, patchSize: 4, coarsePatchSize: 8 },
    reference: { steps: 20, batchSize: 16, maxShift },
    energy: { enabled: false },
  });
}

async function poolImageEmbeddings(config: RunConfig): Promise<Float32Array> {
  const dataset = syntheticContrastiveDataset();
  const result = await prepareReference(config, modelSpecOf(config, dataset), dataset, new PhaseLedger(null), new RunEvents());
  if (result.scores.kind !== 'contrastive') throw new Error('expected contrastive scores');
  expect(result.reusedFromCache).toBe(false);
  return result.scores.imageEmbeddings;
}

describe('reference model training', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('trains on randomly shifted curated images when maxShift > 0, reproducibly for a seed', async () => {
    const plain = await poolImageEmbeddings(configWith(0));
    const shifted = await poolImageEmbeddings(configWith(2));
    const shiftedAgain = await poolImageEmbeddings(configWith(2));
    expect(shiftedAgain).toEqual(shifted);
    expect(shifted).not.toEqual(plain);
  });

  it('keys its cache by the augmentation, so a changed maxShift never reuses a stale model', () => {
    const dataset = syntheticContrastiveDataset();
    const key = (maxShift: number) => {
      const config = configWith(maxShift);
      return referenceCacheKey({ ...config, data: { ...config.data, cacheDir: join('any') } }, modelSpecOf(config, dataset), dataset);
    };
    expect(key(2)).toBe(key(2));
    expect(key(1)).not.toBe(key(2));
  });
});
