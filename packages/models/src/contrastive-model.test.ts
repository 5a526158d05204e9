import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserInputError, Rng, type Resolution } from '@sieve/core';
import { initBackend, totalFlops } from './tensor/index';
import { pairwiseSigmoidLossFromEmbeddings } from './testing/index';
import { createContrastiveModel, loadContrastiveModel, type ContrastiveModel } from './contrastive-model';
import type { ModelSpec } from './model-spec';
import { profiledMatmulFlops } from './profiled-flops';
import { alternatingResolutions, randomImages, randomTokens, tinySpec, toyExamples } from './testing/fixtures';

let tempDir: string;
beforeAll(async () => {
  await initBackend('wasm');
  tempDir = await mkdtemp(join(tmpdir(), 'sieve-models-'));
});
afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

const mlp = tinySpec({ imageTower: 'mlp' });
const vit = tinySpec({ imageTower: 'flexivit' });

function batchOf(spec: ModelSpec, count: number, seed: number) {
  const rng = new Rng(seed);
  return {
    images: randomImages(rng, count, spec.imageSide),
    tokens: randomTokens(rng, count, spec.maxTokens, spec.vocabularySize),
    count,
  };
}

async function withModel<T>(spec: ModelSpec, seed: number, run: (model: ContrastiveModel) => T | Promise<T>): Promise<T> {
  const model = createContrastiveModel(spec, seed);
  try {
    return await run(model);
  } finally {
    model.dispose();
  }
}

describe.each([
  ['MLP', mlp],
  ['FlexiViT', vit],
])('contrastive model with the %s image tower', (_name, spec) => {
  it('starts at temperature 10 and bias -10, with unit-length embeddings', async () => {
    await withModel(spec, 1, async (model) => {
      expect(await model.temperature()).toBeCloseTo(10, 4);
      expect(await model.bias()).toBe(-10);
      const { images, tokens, count } = batchOf(spec, 5, 2);
      for (const embeddings of [await model.embedImages(images, count), await model.embedImages(images, count, 'coarse'), await model.embedTexts(tokens, count)]) {
        expect(embeddings.length).toBe(count * spec.embeddingDim);
        for (let i = 0; i < count; i++) {
          const row = embeddings.subarray(i * spec.embeddingDim, (i + 1) * spec.embeddingDim);
          expect(Math.hypot(...row)).toBeCloseTo(1, 5);
        }
      }
    });
  });

  it('gives identical weights and training for the same seed, and other weights for another seed', async () => {
    const batch = batchOf(spec, 6, 3);
    const run = (seed: number) =>
      withModel(spec, seed, async (model) => {
        const initial = await model.embedImages(batch.images, batch.count);
        const losses: number[] = [];
        for (let i = 0; i < 3; i++) losses.push(await model.trainStep({ ...batch, resolutions: alternatingResolutions(6) }, 1e-2));
        return { initial, losses, trained: await model.embedTexts(batch.tokens, batch.count) };
      });
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect((await run(8)).initial).not.toEqual(first.initial);
  });

  it('pairwiseLosses is the sigmoid loss of its own embeddings, at either resolution', async () => {
    await withModel(spec, 4, async (model) => {
      const { images, tokens, count } = batchOf(spec, 7, 5);
      for (const resolution of ['fine', 'coarse'] as Resolution[]) {
        const losses = await model.pairwiseLosses(images, tokens, count, resolution);
        const expected = pairwiseSigmoidLossFromEmbeddings(
          await model.embedImages(images, count, resolution),
          await model.embedTexts(tokens, count),
          count,
          count,
          spec.embeddingDim,
          await model.temperature(),
          await model.bias(),
        );
        expect(losses.length).toBe(count * count);
        losses.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 4));
      }
    });
  });

  it('trains a mixed batch on one joint loss, each image embedded at its own resolution', async () => {
    await withModel(spec, 6, async (model) => {
      const { images, tokens, count } = batchOf(spec, 8, 7);
      const resolutions: Resolution[] = ['coarse', 'fine', 'fine', 'coarse', 'coarse', 'fine', 'coarse', 'fine'];
      // Expected: image i at resolutions[i], paired with text i; loss = (1/8) sum_ij L_ij.
      const dim = spec.embeddingDim;
      const fine = await model.embedImages(images, count, 'fine');
      const coarse = await model.embedImages(images, count, 'coarse');
      const mixed = new Float32Array(count * dim);
      resolutions.forEach((r, i) => mixed.set((r === 'fine' ? fine : coarse).subarray(i * dim, (i + 1) * dim), i * dim));
      const pairwise = pairwiseSigmoidLossFromEmbeddings(mixed, await model.embedTexts(tokens, count), count, count, dim, await model.temperature(), await model.bias());
      const expected = pairwise.reduce((a, b) => a + b, 0) / count;
      expect(await model.trainStep({ images, tokens, count, resolutions }, 1e-3)).toBeCloseTo(expected, 4);
      // It did update the weights.
      expect(await model.embedImages(images, count, 'fine')).not.toEqual(fine);
    });
  });

  it('keeps the tensor count constant over 20 training steps', async () => {
    await withModel(spec, 8, async (model) => {
      const batch = batchOf(spec, 8, 9);
      const step = async (i: number) => {
        await model.trainStep({ ...batch, resolutions: i % 3 === 0 ? undefined : alternatingResolutions(8) }, 1e-3);
        await model.pairwiseLosses(batch.images, batch.tokens, batch.count, i % 2 === 0 ? 'fine' : 'coarse');
        await model.embedImages(batch.images, batch.count, 'coarse');
      };
      await step(0);
      const tensorsAfterFirstStep = tf.memory().numTensors;
      for (let i = 1; i <= 20; i++) {
        await step(i);
        expect(tf.memory().numTensors).toBe(tensorsAfterFirstStep);
      }
    });
  });

  it("counts the same matmul FLOPs as the kernels tf.profile sees", async () => {
    const model = createContrastiveModel(spec, 9);
    try {
      const { images, tokens, count } = batchOf(spec, 6, 10);
      for (const resolution of ['fine', 'coarse'] as Resolution[]) {
        const measured = await profiledMatmulFlops(() => model.embedImages(images, count, resolution));
        expect(model.flopCounts.embedImages(count, resolution).matmul).toBe(measured);
        expect(measured).toBeGreaterThan(0);
        const pairwise = await profiledMatmulFlops(() => model.pairwiseLosses(images, tokens, count, resolution));
        expect(
          model.flopCounts.embedImages(count, resolution).matmul +
            model.flopCounts.embedTexts(count).matmul +
            model.flopCounts.pairwiseLosses(count, count, spec.embeddingDim).matmul,
        ).toBe(pairwise);
      }
      expect(model.flopCounts.embedTexts(count).matmul).toBe(await profiledMatmulFlops(() => model.embedTexts(tokens, count)));
    } finally {
      model.dispose();
    }
  });
});

// The default learner: 28 x 28 images, MLP 784 -> 256 -> 64, bag of words over 98 words -> 64 -> 256 -> 64.
const defaultSpec: ModelSpec = {
  ...tinySpec(),
  imageSide: 28,
  imageTower: 'mlp',
  embeddingDim: 64,
  hiddenDim: 256,
  textEmbeddingDim: 64,
  vocabularySize: 98,
  maxTokens: 9,
};

describe('contrastive model FLOPs', () => {
  it('counts the default learner\'s training step (b = 128) and scoring pass (N = 640) by hand', async () => {
    await withModel(defaultSpec, 1, async (model) => {
      const product = (m: number, k: number, n: number) => 2 * m * k * n;
      const b = 128;
      // Forward products, each charged again once per operand that needs a gradient: the first
      // layer's input is the images and the bag of words is data, so those two get the weight's
      // gradient only (x2); the projection, the text tower's two layers and the similarities
      // pass gradients to both sides (x3).
      const trainingMatmul =
        2 * product(b, 784, 256) + // image layer: 102,760,448
        3 * product(b, 256, 64) + // image projection: 12,582,912
        2 * product(b, 98, 64) + // bag of words x table: 3,211,264
        3 * product(b, 64, 256) + // text hidden: 12,582,912
        3 * product(b, 256, 64) + // text output: 12,582,912
        3 * product(b, 64, b); // b x b similarities: 6,291,456
      expect(trainingMatmul).toBe(150_011_904);
      expect(model.flopCounts.trainStep(b).matmul).toBe(trainingMatmul);
      // Scoring N = 640: forward only.
      const n = 640;
      const scoring = model.flopCounts.embedImages(n).matmul + model.flopCounts.embedTexts(n).matmul + model.flopCounts.pairwiseLosses(n, n, 64).matmul;
      expect(scoring).toBe(product(n, 784, 256) + product(n, 256, 64) + product(n, 98, 64) + product(n, 64, 256) + product(n, 256, 64) + product(n, 64, n));
      expect(scoring).toBe(380_272_640);
    });
  });

  for (const [name, spec] of [
    ['the default MLP learner', defaultSpec],
    ['a tiny FlexiViT', vit],
  ] as const) {
    it(`counts the matmul FLOPs a real training step runs, fine and mixed: ${name}`, async () => {
      await withModel(spec, 2, async (model) => {
        const count = 16;
        const batch = batchOf(spec, count, 3);
        for (const coarseCount of [0, 8]) {
          const resolutions: Resolution[] = Array.from({ length: count }, (_, i) => (i < count - coarseCount ? 'fine' : 'coarse'));
          const measured = await profiledMatmulFlops(() => model.trainStep({ ...batch, resolutions }, 1e-3));
          expect(measured).toBeGreaterThan(0);
          expect(model.flopCounts.trainStep(count, coarseCount).matmul).toBe(measured);
        }
      });
    });
  }

  it('charges a training step its forward and backward passes plus the optimizer, and less for coarse examples', async () => {
    await withModel(tinySpec({ imageSide: 28, hiddenDim: 64 }), 1, async (model) => {
      const forward = model.flops.embedImages(96) + model.flops.embedImages(32, 'coarse') + model.flops.embedTexts(128) + model.flops.pairwiseLosses(128, 128, 8);
      // Less than three forward passes (no gradient into the data), more than two.
      const step = model.flops.trainStep(128, 32) - 12 * model.parameterCount();
      expect(step).toBeLessThan(3 * forward);
      expect(step).toBeGreaterThan(2 * forward);
      expect(model.flops.trainStep(128, 64)).toBeLessThan(model.flops.trainStep(128, 0));
      // The MLP's first layer dominates: coarse scoring costs well under half.
      expect(model.flops.embedImages(640, 'coarse') / model.flops.embedImages(640)).toBeLessThan(0.5);
      expect(totalFlops(model.flopCounts.embedImages(0))).toBe(0);
    });
  });
});

describe('contrastive model training', () => {
  it('learns a separable toy set: loss falls and captions retrieve their images', async () => {
    const spec = tinySpec({ imageTower: 'mlp', imageSide: 8, hiddenDim: 32, embeddingDim: 16 });
    await withModel(spec, 11, async (model) => {
      const train = toyExamples(8, 256, 1);
      const test = toyExamples(8, 64, 2);
      const zeroShotAccuracy = async () => {
        // Class prompts: caption "word c+1, word 5".
        const prompts = Int32Array.from([1, 5, 0, 0, 2, 5, 0, 0, 3, 5, 0, 0, 4, 5, 0, 0]);
        const texts = await model.embedTexts(prompts, 4);
        const images = await model.embedImages(test.images, test.count);
        let correct = 0;
        for (let i = 0; i < test.count; i++) {
          let best = -1;
          let bestScore = -Infinity;
          for (let c = 0; c < 4; c++) {
            let score = 0;
            for (let d = 0; d < 16; d++) score += images[i * 16 + d] * texts[c * 16 + d];
            if (score > bestScore) [best, bestScore] = [c, score];
          }
          if (best === test.labels[i]) correct += 1;
        }
        return correct / test.count;
      };
      const rng = new Rng(3);
      const batchSize = 32;
      const losses: number[] = [];
      for (let step = 0; step < 60; step++) {
        const picked = rng.sampleWithoutReplacement(train.count, batchSize);
        const images = new Float32Array(batchSize * 64);
        const tokens = new Int32Array(batchSize * 4);
        picked.forEach((index, k) => {
          images.set(train.images.subarray(index * 64, (index + 1) * 64), k * 64);
          tokens.set(train.tokens.subarray(index * 4, (index + 1) * 4), k * 4);
        });
        losses.push(await model.trainStep({ images, tokens, count: batchSize }, 1e-2));
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      // The first loss is about 10 (t = 10, b = -10, similarities near 0: L_ii = softplus(10 - 10 s)).
      // The floor is about 3: each image has ~8 texts with its caption in a batch of 32 and only one
      // is its positive; z = t s + b minimising softplus(-z) + 7 softplus(z) gives 3.0.
      expect(losses[0]).toBeGreaterThan(8);
      expect(mean(losses.slice(-10))).toBeLessThan(4);
      expect(await zeroShotAccuracy()).toBeGreaterThan(0.9);
    });
  });

  it('rejects an empty batch and arrays that are too short', async () => {
    await withModel(mlp, 1, async (model) => {
      await expect(model.trainStep({ images: new Float32Array(0), tokens: new Int32Array(0), count: 0 }, 1e-3)).rejects.toThrow(RangeError);
      await expect(model.embedImages(new Float32Array(10), 1)).rejects.toThrow(/need 1 x 64/);
      await expect(model.trainStep({ ...batchOf(mlp, 2, 1), resolutions: ['fine'] }, 1e-3)).rejects.toThrow(/1 resolutions for a batch of 2/);
    });
  });
});

describe('contrastive model save and load', () => {
  it('restores identical outputs and continues training identically', async () => {
    const spec = vit;
    const batch = { ...batchOf(spec, 6, 12), resolutions: alternatingResolutions(6) };
    const original = createContrastiveModel(spec, 13);
    await original.trainStep(batch, 1e-2);
    const dir = join(tempDir, 'contrastive');
    await original.save(dir);
    const restored = await loadContrastiveModel(dir, spec);
    try {
      expect(await restored.embedImages(batch.images, 6, 'coarse')).toEqual(await original.embedImages(batch.images, 6, 'coarse'));
      expect(await restored.embedTexts(batch.tokens, 6)).toEqual(await original.embedTexts(batch.tokens, 6));
      expect([await restored.temperature(), await restored.bias()]).toEqual([await original.temperature(), await original.bias()]);
      // The optimizer's moments came back too: the next steps match.
      expect(await restored.trainStep(batch, 1e-2)).toBe(await original.trainStep(batch, 1e-2));
      expect(await restored.trainStep(batch, 1e-2)).toBe(await original.trainStep(batch, 1e-2));
      // Saving again replaces the weights file instead of piling them up.
      await original.save(dir);
      const files = (await readdir(dir)).sort();
      expect(files).toHaveLength(2);
      expect(files[0]).toBe('manifest.json');
      expect(files[1]).toMatch(/^weights-[0-9a-f]{16}\.bin$/);
    } finally {
      original.dispose();
      restored.dispose();
    }
  });

  it('refuses a checkpoint of another shape, or none, with a UserInputError naming the file', async () => {
    const dir = join(tempDir, 'shape');
    const model = createContrastiveModel(mlp, 1);
    await model.save(dir);
    model.dispose();
    const wrongShape = await loadContrastiveModel(dir, { ...mlp, hiddenDim: 32 }).catch((e: unknown) => e);
    expect(isUserInputError(wrongShape)).toBe(true);
    expect(String(wrongShape)).toMatch(/manifest\.json.*hiddenDim saved 16, asked 32/);
    const missing = await loadContrastiveModel(join(tempDir, 'nothing-here'), mlp).catch((e: unknown) => e);
    expect(isUserInputError(missing)).toBe(true);
    expect(String(missing)).toMatch(/nothing-here: no saved model here/);
  });
});
