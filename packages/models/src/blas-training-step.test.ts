import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, type Resolution } from '@sieve/core';
import { initBackend } from './tensor/index';
import { readCheckpoint } from './checkpoint';
import { createContrastiveModel, loadContrastiveModel, type ContrastiveModel } from './contrastive-model';
import type { ModelSpec } from './model-spec';
import { randomImages, randomTokens, tinySpec } from './testing/fixtures';
import { SPARSE_TEXT_VOCABULARY } from './text-tower';

const spec = tinySpec({ imageTower: 'mlp', imageSide: 8, hiddenDim: 24, embeddingDim: 8, textEmbeddingDim: 6, vocabularySize: 30, maxTokens: 5 });
const COUNT = 12;

function batch(seed: number) {
  const rng = new Rng(seed);
  const tokens = randomTokens(rng, COUNT, spec.maxTokens, spec.vocabularySize);
  tokens.fill(0, 3 * spec.maxTokens, 4 * spec.maxTokens); // an all-padding caption embeds as zeros
  return { images: randomImages(rng, COUNT, spec.imageSide), tokens, count: COUNT };
}

/** Both of Adam's moments after one step at learning rate 0: 0.1 g and 0.001 g^2, the weights unchanged. */
async function gradientsOf(model: ContrastiveModel, seed: number) {
  const loss = await model.trainStep(batch(seed), 0);
  const dir = await mkdtemp(join(tempDir, 'moments-'));
  await model.save(dir);
  const { optimizer } = await readCheckpoint(dir, 'contrastive', spec);
  return { loss, first: optimizer.firstMoments, second: optimizer.secondMoments };
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  const scale = Math.max(1e-6, ...Array.from(expected, Math.abs));
  const worst = Math.max(...Array.from(actual, (value, k) => Math.abs(value - expected[k])));
  expect(worst / scale, `${what}: largest difference ${worst} against values up to ${scale}`).toBeLessThan(2e-4);
}

let tempDir: string;
let blasMissing: string | null = null;
beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'sieve-blas-step-'));
  try {
    await initBackend('wasm-blas');
  } catch (error) {
    blasMissing = `skipped: ${(error as Error).message}`;
  }
});
afterAll(async () => {
  await initBackend('wasm');
  await rm(tempDir, { recursive: true, force: true });
});

describe('the training step by hand on wasm-blas', () => {
  it('computes the loss and every gradient that autodiff computes', async (context) => {
    if (blasMissing) context.skip(blasMissing);
    // Autodiff's: the model built and trained on plain wasm, where the hand-written step does not apply.
    await initBackend('wasm');
    const byAutodiff = createContrastiveModel(spec, 3);
    const expected = await gradientsOf(byAutodiff, 11);
    byAutodiff.dispose();

    await initBackend('wasm-blas');
    const byHand = createContrastiveModel(spec, 3);
    const actual = await gradientsOf(byHand, 11);
    byHand.dispose();

    expect(actual.loss).toBeCloseTo(expected.loss, 5);
    expect(actual.first).toHaveLength(expected.first.length);
    actual.first.forEach((moment, i) => expectClose(moment, expected.first[i], `first moment of parameter ${i}`));
    actual.second.forEach((moment, i) => expectClose(moment, expected.second[i], `second moment of parameter ${i}`));
    // Not all zero: the comparison means something for every parameter.
    for (const moment of actual.first) expect(Math.max(...Array.from(moment, Math.abs))).toBeGreaterThan(0);
  });

  it('trains as autodiff does over several steps, and leaves no tensor behind', async (context) => {
    if (blasMissing) context.skip(blasMissing);
    const lossesOf = async (model: ContrastiveModel) => {
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) losses.push(await model.trainStep(batch(step), 1e-2));
      model.dispose();
      return losses;
    };
    await initBackend('wasm');
    const expected = await lossesOf(createContrastiveModel(spec, 5));
    await initBackend('wasm-blas');
    const model = createContrastiveModel(spec, 5);
    const before = tf.memory().numTensors;
    await model.trainStep(batch(0), 1e-2);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    const actual = await lossesOf(createContrastiveModel(spec, 5));
    actual.forEach((loss, step) => expect(loss, `step ${step}`).toBeCloseTo(expected[step], 3));
    expect(actual[5]).toBeLessThan(actual[0]);
  });

  it('resumes exactly from a checkpoint', async (context) => {
    if (blasMissing) context.skip(blasMissing);
    await initBackend('wasm-blas');
    const first = createContrastiveModel(spec, 8);
    for (let step = 0; step < 3; step++) await first.trainStep(batch(step), 1e-2);
    await first.save(join(tempDir, 'ckpt'));
    const resumed = await loadContrastiveModel(join(tempDir, 'ckpt'), spec);
    const next = [await first.trainStep(batch(9), 1e-2), await first.trainStep(batch(10), 1e-2)];
    const again = [await resumed.trainStep(batch(9), 1e-2), await resumed.trainStep(batch(10), 1e-2)];
    expect(again).toEqual(next);
    first.dispose();
    resumed.dispose();
  });

  it('applies to the MLP tower with a small vocabulary on wasm-blas only; coarse images go through autodiff', async (context) => {
    if (blasMissing) context.skip(blasMissing);
    const trainsByHand = (modelSpec: ModelSpec) => {
      const model = createContrastiveModel(modelSpec, 0);
      model.dispose();
      return model.trainsByHand;
    };
    await initBackend('wasm');
    expect(trainsByHand(spec)).toBe(false);
    await initBackend('wasm-blas');
    expect(trainsByHand(spec)).toBe(true);
    expect(trainsByHand(tinySpec({ imageTower: 'flexivit' }))).toBe(false);
    expect(trainsByHand({ ...spec, vocabularySize: SPARSE_TEXT_VOCABULARY + 1 })).toBe(false);

    const model = createContrastiveModel(spec, 1);
    const mixed = { ...batch(2), resolutions: Array.from({ length: COUNT }, (_, i): Resolution => (i % 2 === 0 ? 'fine' : 'coarse')) };
    expect(Number.isFinite(await model.trainStep(mixed, 1e-2))).toBe(true);
    model.dispose();
  });
});
