/**
 * Engine overhead (benchmark protocol, systems figures): steps per second of the engine with the
 * `uniform` selector against a plain TensorFlow.js loop that trains the same model on the same
 * batches, with the same learning-rate schedule. Both end with the same loss, which shows the
 * batches are the same.
 *
 *   npx tsx tools/bench/engine-overhead.ts [steps=500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunEvents, runConfigSchema, superBatchSizeOf } from '@sieve/core';
import { loadDataset, type ContrastiveDataset } from '@sieve/data';
import { initBackend, learningRateAt } from '@sieve/tensor';
import { createContrastiveModel } from '@sieve/models';
import { modelSpecOf, selectionRng, superBatchRng, train } from '@sieve/engine';
import { uniformSelectorFactory } from '@sieve/selector-uniform';

const steps = Number(process.argv[2] ?? 500);
// The engine's run files go to a scratch folder, removed when the benchmark ends.
const scratch = mkdtempSync(join(tmpdir(), 'sieve-overhead-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const config = runConfigSchema.parse({
  selector: 'uniform',
  steps,
  batchSize: 128,
  filterRatio: 0.8,
  chunks: 16,
  seed: 0,
  evalEvery: steps,
  evaluation: { testLimit: 1000 },
  out: join(scratch, 'run'),
  energy: { enabled: false },
  dashboard: false,
});
await initBackend('wasm');
const dataset = (await loadDataset(config)).dataset as ContrastiveDataset;
const spec = modelSpecOf(config, dataset);
const superBatchSize = superBatchSizeOf(config.batchSize, config.filterRatio);

// The plain loop: draw the same candidates and the same b of them, gather, one Adam step.
const pixels = dataset.imageSide * dataset.imageSide;
const model = createContrastiveModel(spec, config.seed);
const images = new Float32Array(config.batchSize * pixels);
const tokens = new Int32Array(config.batchSize * dataset.maxTokens);
let plainLoss = 0;
const plainStart = performance.now();
for (let step = 1; step <= steps; step++) {
  const candidates = superBatchRng(config.seed, step).sampleWithoutReplacement(dataset.pool.count, superBatchSize);
  const chosen = selectionRng(config.seed, step).sampleWithoutReplacement(superBatchSize, config.batchSize);
  chosen.forEach((candidate, row) => {
    const index = candidates[candidate];
    images.set(dataset.pool.images.subarray(index * pixels, (index + 1) * pixels), row * pixels);
    tokens.set(dataset.pool.tokens.subarray(index * dataset.maxTokens, (index + 1) * dataset.maxTokens), row * dataset.maxTokens);
  });
  const learningRate = learningRateAt(step, {
    peak: config.optimizer.learningRate,
    warmupSteps: config.optimizer.warmupSteps,
    totalSteps: steps,
    finalFraction: config.optimizer.finalLearningRateFraction,
  });
  plainLoss = model.trainStep({ images, tokens, count: config.batchSize }, learningRate);
}
const plainSeconds = (performance.now() - plainStart) / 1000;
model.dispose();

// The engine, with the uniform selector (no scoring), evaluating once at the end.
let engineLoss = 0;
const events = new RunEvents();
events.subscribe((event) => {
  if (event.type === 'step') engineLoss = event.loss;
});
const summary = await train({
  config,
  dataset,
  selectorFactory: uniformSelectorFactory,
  selector: uniformSelectorFactory.create({ task: 'contrastive', batchSize: 128, superBatchSize, chunks: 16, seed: 0, options: {} }),
  backendName: 'wasm',
  meter: null,
  events,
  runId: 'overhead',
});
const engineSeconds = summary.stepsPerSecond > 0 ? steps / summary.stepsPerSecond - summary.secondsByPhase.evaluation : NaN;

console.log(`steps ${steps}, b = 128, N = ${superBatchSize}, MLP tower, wasm backend`);
console.log(`plain loop   ${(steps / plainSeconds).toFixed(2)} steps/s   last loss ${plainLoss.toFixed(6)}`);
console.log(`engine       ${(steps / engineSeconds).toFixed(2)} steps/s   last loss ${engineLoss.toFixed(6)} (evaluation excluded)`);
console.log(`overhead     ${((engineSeconds / plainSeconds - 1) * 100).toFixed(1)}% of the plain loop's time`);
