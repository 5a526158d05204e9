/**
 * Everything training needs, on the backend named by SIEVE_TEST_BACKEND (default wasm), checked
 * against tfjs's pure-JavaScript cpu backend: the pairwise sigmoid loss and its gradients, the
 * PI-resized coarse kernels, both towers' forward passes and gradients through training steps,
 * Adam with its moments on the device, and one short run of the engine. CI runs it on wasm; on a
 * GPU machine `SIEVE_TEST_BACKEND=webgpu npx vitest run packages/engine/src/backend-suite.test.ts`.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_NAMES, RunEvents, Rng, type Resolution, type SelectorFactory } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import {
  createClassifierModel,
  createContrastiveModel,
  type ModelSpec,
  Adam,
  initBackend,
  pairwiseSigmoidLoss,
  pairwiseSigmoidLossValues,
  type BackendName,
} from '@sieve/models';
import { train } from './train';
import { syntheticContrastiveDataset } from './testing/synthetic-dataset';
import { tinyRunConfig } from './testing/tiny-run-config';

const requested = process.env.SIEVE_TEST_BACKEND ?? 'wasm';
if (!(BACKEND_NAMES as readonly string[]).includes(requested) || requested === 'auto') {
  throw new Error(`SIEVE_TEST_BACKEND=${requested}: name one backend of ${BACKEND_NAMES.filter((n) => n !== 'auto').join(', ')}`);
}
const testBackend = requested as BackendName;

afterAll(removeTempDirs);

/** Runs `work` with `backend` active and returns what it read back (plain arrays only). */
async function on<T>(backend: BackendName, work: () => Promise<T>): Promise<T> {
  await initBackend(backend);
  const before = tf.memory().numTensors;
  const result = await work();
  expect(tf.memory().numTensors, `tensors left on ${backend}`).toBe(before);
  return result;
}

/** The same work on the cpu backend (the reference) and on the backend under test. */
async function onBoth<T>(work: () => Promise<T>): Promise<{ expected: T; actual: T }> {
  const expected = await on('cpu', work);
  const actual = await on(testBackend, work);
  return { expected, actual };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    expect(Number.isFinite(actual[i]), `${what}[${i}] is finite`).toBe(true);
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  }
  expect(worst, `${what}: largest relative difference`).toBeLessThan(tolerance);
}

function values(rng: Rng, count: number, scale = 1): Float32Array {
  return Float32Array.from({ length: count }, () => scale * rng.normal());
}

const base: Omit<ModelSpec, 'imageTower'> = {
  imageSide: 16,
  patchSize: 4,
  coarsePatchSize: 8,
  hiddenDim: 24,
  embeddingDim: 8,
  textEmbeddingDim: 8,
  vitDim: 16,
  vitDepth: 1,
  vitHeads: 2,
  vocabularySize: 30,
  maxTokens: 6,
  classCount: 4,
};

beforeAll(async () => {
  await initBackend(testBackend);
});

describe(`the ops training needs, on ${testBackend} against the cpu backend`, () => {
  it('computes the pairwise sigmoid loss and its gradients in all four inputs', async () => {
    const rng = new Rng(3);
    const [n, m, dim] = [13, 11, 8];
    const x = values(rng, n * dim, 0.5);
    const y = values(rng, m * dim, 0.5);
    const { expected, actual } = await onBoth(async () => {
      const inputs = [tf.tensor2d(x, [n, dim]), tf.tensor2d(y, [m, dim]), tf.scalar(Math.log(10)), tf.scalar(-3)];
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, t: tf.Tensor, c: tf.Tensor) =>
        tf.sum(pairwiseSigmoidLoss(a as tf.Tensor2D, b as tf.Tensor2D, t as tf.Scalar, c as tf.Scalar)),
      )(inputs);
      const read = [await value.data(), ...(await Promise.all(grads.map((g) => g.data())))].map((v) => Float32Array.from(v));
      const scoring = await pairwiseSigmoidLossValues(inputs[0] as tf.Tensor2D, inputs[1] as tf.Tensor2D, 10, -3);
      tf.dispose([value, ...grads, ...inputs]);
      return [...read, scoring];
    });
    ['loss', 'd/dx', 'd/dy', 'd/dlogT', 'd/dbias', 'scoring values'].forEach((what, i) => expectClose(actual[i], expected[i], 1e-4, what));
  });

  it.each(['mlp', 'flexivit'] as const)('trains the contrastive model with the %s tower at mixed resolutions', async (imageTower) => {
    const spec: ModelSpec = { ...base, imageTower };
    const rng = new Rng(5);
    const count = 12;
    const images = Float32Array.from({ length: count * spec.imageSide ** 2 }, () => rng.nextFloat());
    const tokens = Int32Array.from({ length: count * spec.maxTokens }, () => rng.nextInt(spec.vocabularySize));
    const resolutions: Resolution[] = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? 'coarse' : 'fine'));
    const { expected, actual } = await onBoth(async () => {
      const model = createContrastiveModel(spec, 7);
      try {
        const losses: number[] = [];
        for (let step = 0; step < 3; step++) losses.push(await model.trainStep({ images, tokens, count, resolutions }, 1e-2));
        return {
          losses: Float32Array.from(losses),
          fine: await model.embedImages(images, count, 'fine'),
          coarse: await model.embedImages(images, count, 'coarse'),
          texts: await model.embedTexts(tokens, count),
          pairwise: await model.pairwiseLosses(images, tokens, count, 'coarse'),
          scalars: Float32Array.of(await model.temperature(), await model.bias()),
        };
      } finally {
        model.dispose();
      }
    });
    // Three Adam steps amplify float rounding in the gradients; a wrong kernel is off by far more.
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) expectClose(actual[key], expected[key], 2e-3, key);
    // The steps did change the weights (the comparison above is not of two untrained models).
    expect(actual.losses[2]).not.toBeCloseTo(actual.losses[0], 3);
  });

  it('trains the classifier (the coarse path through PI-resized kernels) and predicts', async () => {
    const spec: ModelSpec = { ...base, imageTower: 'flexivit' };
    const rng = new Rng(9);
    const count = 10;
    const images = Float32Array.from({ length: count * spec.imageSide ** 2 }, () => rng.nextFloat());
    const labels = Int32Array.from({ length: count }, (_, i) => i % spec.classCount);
    const { expected, actual } = await onBoth(async () => {
      const model = createClassifierModel(spec, 11);
      try {
        const losses: number[] = [];
        for (let step = 0; step < 3; step++) losses.push(await model.trainStep({ images, labels, count, resolutions: Array(count).fill('coarse') }, 1e-2));
        return { losses: Float32Array.from(losses), coarse: await model.exampleLosses(images, labels, count, 'coarse'), predicted: await model.predict(images, count) };
      } finally {
        model.dispose();
      }
    });
    expectClose(actual.losses, expected.losses, 2e-3, 'training losses');
    expectClose(actual.coarse, expected.coarse, 2e-3, 'coarse example losses');
    expect(Array.from(actual.predicted)).toEqual(Array.from(expected.predicted));
  });

  it('runs Adam with its moments on the device as the host loop does', async () => {
    const rng = new Rng(13);
    const start = values(rng, 40);
    const target = values(rng, 40);
    const { expected, actual } = await onBoth(async () => {
      const results: Float32Array[] = [];
      for (const moments of ['host', 'device'] as const) {
        const p = tf.tidy(() => tf.variable(tf.tensor1d(start)));
        const goal = tf.tensor1d(target);
        const adam = new Adam([p], { moments });
        for (let step = 1; step <= 25; step++) {
          const grads = tf.tidy(() => tf.variableGrads(() => tf.sum(tf.square(tf.sub(p, goal))) as tf.Scalar, [p]).grads);
          await adam.applyGradients(grads, 0.05);
          tf.dispose(Object.values(grads));
        }
        results.push(Float32Array.from(await p.data()));
        adam.dispose();
        tf.dispose([p, goal]);
      }
      return results;
    });
    expectClose(actual[1], actual[0], 1e-5, `device against host moments on ${testBackend}`);
    expectClose(actual[1], expected[0], 1e-4, 'device moments against the cpu backend');
  });
});

/** Scores with both models (the learner's pass and the reference's matrix) and keeps the b lowest learner losses. */
const scoringFactory: SelectorFactory = {
  name: 'lowest-learner-loss',
  summary: 'test selector',
  create: (settings) => ({
    name: 'lowest-learner-loss',
    needs: { referenceModel: true },
    async select(context) {
      const learner = await context.losses('learner', { resolution: context.step % 2 === 0 ? 'coarse' : 'fine' });
      await context.losses('reference');
      const diagonal = Array.from({ length: learner.size }, (_, i) => learner.values[i * learner.size + i]);
      const order = diagonal.map((_, i) => i).sort((a, b) => diagonal[a] - diagonal[b]);
      return { indices: Int32Array.from(order.slice(0, settings.batchSize)) };
    },
  }),
};

describe(`the engine on ${testBackend}`, () => {
  it('trains, scores, evaluates and checkpoints a short run', async () => {
    await initBackend(testBackend);
    const out = join(tempDir('sieve-backend-suite-'), 'run');
    const config = tinyRunConfig(out, { steps: 12, evalEvery: 6, reference: { steps: 10, batchSize: 16, hiddenDim: 16, embeddingDim: 8 } });
    const summary = await train({
      config,
      dataset: syntheticContrastiveDataset(),
      selectorFactory: scoringFactory,
      selector: scoringFactory.create({ task: 'contrastive', batchSize: 8, superBatchSize: 40, chunks: 2, seed: 1, options: {} }),
      backendName: testBackend,
      meter: null,
      events: new RunEvents(),
      runId: 'backend-suite',
    });
    expect(summary.status).toBe('completed');
    expect(summary.steps).toBe(12);
    expect(Number.isFinite(summary.finalPoint?.trainLoss ?? Number.NaN)).toBe(true);
  });
});
