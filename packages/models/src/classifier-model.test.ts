import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserInputError, Rng, type Resolution } from '@sieve/core';
import { initBackend } from './tensor/index';
import { createClassifierModel, loadClassifierModel, type ClassifierModel } from './classifier-model';
import { loadContrastiveModel } from './contrastive-model';
import type { ModelSpec } from './model-spec';
import { profiledMatmulFlops } from './profiled-flops';
import { alternatingResolutions, randomImages, tinySpec, toyExamples } from './testing/fixtures';

let tempDir: string;
beforeAll(async () => {
  await initBackend('wasm');
  tempDir = await mkdtemp(join(tmpdir(), 'sieve-classifier-'));
});
afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

function batchOf(spec: ModelSpec, count: number, seed: number) {
  const rng = new Rng(seed);
  return {
    images: randomImages(rng, count, spec.imageSide),
    labels: Int32Array.from({ length: count }, () => rng.nextInt(spec.classCount)),
    count,
  };
}

async function withModel<T>(spec: ModelSpec, seed: number, run: (model: ClassifierModel) => T | Promise<T>): Promise<T> {
  const model = createClassifierModel(spec, seed);
  try {
    return await run(model);
  } finally {
    model.dispose();
  }
}

describe.each([
  ['MLP', tinySpec({ imageTower: 'mlp' })],
  ['FlexiViT', tinySpec({ imageTower: 'flexivit' })],
])('classifier with the %s image tower', (_name, spec) => {
  it('gives cross-entropies whose probabilities add up to 1, and predicts the least-loss class', async () => {
    await withModel(spec, 1, async (model) => {
      const { images, count } = batchOf(spec, 5, 1);
      // exampleLosses(label c) = -log p_c, so sum over c of exp(-loss) = sum of p_c = 1.
      const lossesByClass: Float32Array[] = [];
      for (let c = 0; c < spec.classCount; c++) lossesByClass.push(await model.exampleLosses(images, new Int32Array(count).fill(c), count));
      const predicted = await model.predict(images, count);
      for (let i = 0; i < count; i++) {
        const perClass = lossesByClass.map((losses) => losses[i]);
        expect(perClass.reduce((sum, loss) => sum + Math.exp(-loss), 0)).toBeCloseTo(1, 5);
        expect(predicted[i]).toBe(perClass.indexOf(Math.min(...perClass)));
      }
    });
  });

  it('trains on the mean cross-entropy of a mixed batch, each image at its own resolution', async () => {
    await withModel(spec, 2, async (model) => {
      const { images, labels, count } = batchOf(spec, 6, 2);
      const resolutions: Resolution[] = ['coarse', 'fine', 'coarse', 'coarse', 'fine', 'fine'];
      const fine = await model.exampleLosses(images, labels, count, 'fine');
      const coarse = await model.exampleLosses(images, labels, count, 'coarse');
      const expected = resolutions.reduce((sum, r, i) => sum + (r === 'fine' ? fine[i] : coarse[i]), 0) / count;
      expect(await model.trainStep({ images, labels, count, resolutions }, 1e-3)).toBeCloseTo(expected, 5);
    });
  });

  it('keeps the tensor count constant over 20 training steps', async () => {
    await withModel(spec, 3, async (model) => {
      const batch = batchOf(spec, 8, 3);
      const step = async () => {
        await model.trainStep({ ...batch, resolutions: alternatingResolutions(8) }, 1e-3);
        await model.exampleLosses(batch.images, batch.labels, batch.count, 'coarse');
        await model.predict(batch.images, batch.count);
      };
      await step();
      const tensors = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) {
        await step();
        expect(tf.memory().numTensors).toBe(tensors);
      }
    });
  });

  it('counts the same matmul FLOPs as the kernels tf.profile sees', async () => {
    const model = createClassifierModel(spec, 4);
    try {
      const { images, labels, count } = batchOf(spec, 5, 4);
      for (const resolution of ['fine', 'coarse'] as Resolution[]) {
        const measured = await profiledMatmulFlops(() => model.exampleLosses(images, labels, count, resolution));
        expect(model.flopCounts.forward(count, resolution).matmul).toBe(measured);
      }
      const resolutions: Resolution[] = [...Array(6).fill('fine'), 'coarse', 'coarse'];
      const batch = batchOf(spec, 8, 5);
      const measured = await profiledMatmulFlops(() => model.trainStep({ ...batch, resolutions }, 1e-3));
      expect(model.flopCounts.trainStep(8, 2).matmul).toBe(measured);
      // Forward plus backward, less than three forward passes: no gradient into the images.
      const forward = model.flops.forward(6) + model.flops.forward(2, 'coarse');
      const step = model.flops.trainStep(8, 2) - 12 * model.parameterCount();
      expect(step).toBeGreaterThan(2 * forward);
      expect(step).toBeLessThan(3 * forward);
    } finally {
      model.dispose();
    }
  });
});

describe('classifier training and checkpoints', () => {
  it('learns a separable toy set', async () => {
    const spec = tinySpec({ imageTower: 'mlp', hiddenDim: 32 });
    await withModel(spec, 5, async (model) => {
      const train = toyExamples(8, 128, 3);
      const test = toyExamples(8, 64, 4);
      const before = (await model.predict(test.images, test.count)).filter((p, i) => p === test.labels[i]).length;
      for (let step = 0; step < 30; step++) await model.trainStep(train, 1e-2);
      const after = (await model.predict(test.images, test.count)).filter((p, i) => p === test.labels[i]).length;
      expect(after / test.count).toBeGreaterThan(0.95);
      expect(after).toBeGreaterThan(before);
    });
  });

  it('saves and loads with identical outputs, and refuses to load as the other kind', async () => {
    const spec = tinySpec({ imageTower: 'mlp' });
    const batch = batchOf(spec, 4, 6);
    const original = createClassifierModel(spec, 6);
    await original.trainStep(batch, 1e-2);
    const dir = join(tempDir, 'classifier');
    await original.save(dir);
    const restored = await loadClassifierModel(dir, spec);
    try {
      expect(await restored.exampleLosses(batch.images, batch.labels, 4)).toEqual(await original.exampleLosses(batch.images, batch.labels, 4));
      expect(await restored.trainStep(batch, 1e-2)).toBe(await original.trainStep(batch, 1e-2));
      const wrongKind = await loadContrastiveModel(dir, spec).catch((e: unknown) => e);
      expect(isUserInputError(wrongKind)).toBe(true);
      expect(String(wrongKind)).toMatch(/holds a classification model, not a contrastive model/);
    } finally {
      original.dispose();
      restored.dispose();
    }
  });

  it('rejects labels outside the classes', async () => {
    await withModel(tinySpec(), 1, async (model) => {
      await expect(model.exampleLosses(new Float32Array(64), Int32Array.of(4), 1)).rejects.toThrow(/label 4 .* not a class in \[0, 4\)/);
    });
  });
});
