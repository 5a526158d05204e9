/**
 * Speed of the model operations the engine calls most, on one backend. Prints figures only.
 *
 *   npx tsx packages/models/bench/models-bench.ts [backend] [repeats]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Resolution } from '@sieve/core';
import { initBackend, type BackendRequest } from '../src/index';
import { createContrastiveModel, type ModelSpec } from '../src/index';

const backend = (process.argv[2] ?? 'wasm') as BackendRequest;
const repeats = Number(process.argv[3] ?? 10);
const info = await initBackend(backend);
console.log(`backend ${info.name}${info.onGpu ? ' (GPU)' : ''}, best of ${repeats} after 2 warm-up runs`);

const base: ModelSpec = {
  imageSide: 28,
  imageTower: 'mlp',
  embeddingDim: 64,
  hiddenDim: 256,
  textEmbeddingDim: 64,
  patchSize: 7,
  coarsePatchSize: 14,
  vitDim: 64,
  vitDepth: 2,
  vitHeads: 4,
  vocabularySize: 120,
  maxTokens: 12,
  classCount: 10,
};

async function bestMilliseconds(run: () => Promise<unknown>): Promise<number> {
  await run();
  await run();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const rng = new Rng(0);
const superBatch = 640;
const images = Float32Array.from({ length: superBatch * 784 }, () => rng.nextFloat());
const tokens = Int32Array.from({ length: superBatch * base.maxTokens }, () => 1 + rng.nextInt(base.vocabularySize - 1));
const gflops = (flops: number, ms: number) => (flops / (ms * 1e6)).toFixed(2);

console.log('tower     operation                      ms   MFLOP  GFLOP/s');
for (const imageTower of ['mlp', 'flexivit'] as const) {
  const model = createContrastiveModel({ ...base, imageTower }, 1);
  const row = (name: string, ms: number, flops: number) =>
    console.log(`${imageTower.padEnd(9)} ${name.padEnd(28)} ${ms.toFixed(1).padStart(6)} ${(flops / 1e6).toFixed(1).padStart(7)} ${gflops(flops, ms).padStart(8)}`);
  for (const [label, resolutions, coarseCount] of [
    ['trainStep b=128 fine', undefined, 0],
    ['trainStep b=128 half coarse', Array.from({ length: 128 }, (_, i): Resolution => (i % 2 ? 'coarse' : 'fine')), 64],
  ] as const) {
    const batch = { images: images.subarray(0, 128 * 784), tokens: tokens.subarray(0, 128 * base.maxTokens), count: 128, resolutions: resolutions ? [...resolutions] : undefined };
    row(label, await bestMilliseconds(() => model.trainStep(batch, 1e-4)), model.flops.trainStep(128, coarseCount));
  }
  for (const resolution of ['fine', 'coarse'] as Resolution[]) {
    const flops = model.flops.embedImages(superBatch, resolution) + model.flops.embedTexts(superBatch) + model.flops.pairwiseLosses(superBatch, superBatch, base.embeddingDim);
    row(`pairwiseLosses N=640 ${resolution}`, await bestMilliseconds(() => model.pairwiseLosses(images, tokens, superBatch, resolution)), flops);
  }
  const before = tf.memory().numTensors;
  model.dispose();
  console.log(`${imageTower.padEnd(9)} parameters ${model.parameterCount()}, tensors freed on dispose: ${before - tf.memory().numTensors}`);
}
