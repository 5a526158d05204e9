/**
 * Engine overhead (benchmark protocol, systems figures): steps per second of the engine with the
 * `uniform` selector against a plain TensorFlow.js loop that trains the same model on the same
 * batches, with the same learning-rate schedule. Both end with the same loss, which shows the
 * batches are the same.
 *
 * The two loops alternate (plain, engine, plain, engine, ...) so that a slow spell of the machine
 * hits both; the overhead is the median of the per-pair ratios.
 *
 *   npx tsx tools/bench/engine-overhead.ts [--steps 500] [--repeats 3] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { RunEvents, runConfigSchema, superBatchSizeOf } from '@sieve/core';
import { loadDataset, type ContrastiveDataset } from '@sieve/data';
import { initBackend, learningRateAt, createContrastiveModel } from '@sieve/models';
import { modelSpecOf, selectionRng, superBatchRng, train } from '@sieve/engine';
import { selectorFactoryOf } from '@sieve/selection';
import uniform from '@sieve/selector-uniform';
import { median } from './timing';

const { values: flags } = parseArgs({
  options: { steps: { type: 'string', default: '500' }, repeats: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
});
const steps = Number(flags.steps);
const repeats = Number(flags.repeats);
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(repeats) || repeats < 1) {
  console.error('error: --steps and --repeats take whole numbers above 0');
  process.exit(2);
}
// The engine's run files go to a scratch folder, removed when the benchmark ends.
const scratch = mkdtempSync(join(tmpdir(), 'sieve-overhead-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
// A signal would end the process without 'exit' handlers (the bench ends this script at Ctrl-C).
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
const configFor = (repeat: number) =>
  runConfigSchema.parse({
    selector: 'uniform',
    steps,
    batchSize: 128,
    filterRatio: 0.8,
    chunks: 16,
    seed: 0,
    evalEvery: steps,
    evaluation: { testLimit: 1000 },
    out: join(scratch, `run-${repeat}`),
    energy: { enabled: false },
    dashboard: false,
  });
const config = configFor(0);
// The backend a run takes (auto): wasm-blas where OpenBLAS loads, else wasm.
const { name: backendName } = await initBackend('auto');
const dataset = (await loadDataset(config)).dataset as ContrastiveDataset;
const spec = modelSpecOf(config, dataset);
const superBatchSize = superBatchSizeOf(config.batchSize, config.filterRatio);
const pixels = dataset.imageSide * dataset.imageSide;

/** The plain loop: draw the same candidates and the same b of them, gather, one Adam step. */
async function plainLoop(): Promise<{ seconds: number; lastLoss: number }> {
  const model = createContrastiveModel(spec, config.seed);
  const images = new Float32Array(config.batchSize * pixels);
  const tokens = new Int32Array(config.batchSize * dataset.maxTokens);
  let lastLoss = 0;
  const start = performance.now();
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
    lastLoss = await model.trainStep({ images, tokens, count: config.batchSize }, learningRate);
  }
  const seconds = (performance.now() - start) / 1000;
  model.dispose();
  return { seconds, lastLoss };
}

/** The engine with the uniform selector (no scoring), evaluating once at the end (excluded). */
async function engineLoop(repeat: number): Promise<{ seconds: number; lastLoss: number }> {
  let lastLoss = 0;
  const events = new RunEvents();
  events.subscribe((event) => {
    if (event.type === 'step') lastLoss = event.loss;
  });
  const uniformSelectorFactory = selectorFactoryOf(uniform);
  const summary = await train({
    config: configFor(repeat),
    dataset,
    selectorFactory: uniformSelectorFactory,
    selector: uniformSelectorFactory.create({ task: 'contrastive', batchSize: 128, superBatchSize, chunks: 16, seed: 0, options: {} }),
    backendName,
    meter: null,
    events,
    runId: `overhead-${repeat}`,
  });
  return { seconds: steps / summary.stepsPerSecond - summary.secondsByPhase.evaluation, lastLoss };
}

const plainSeconds: number[] = [];
const engineSeconds: number[] = [];
let plainLastLoss = 0;
let engineLastLoss = 0;
for (let repeat = 0; repeat < repeats; repeat++) {
  const plain = await plainLoop();
  const engine = await engineLoop(repeat);
  plainSeconds.push(plain.seconds);
  engineSeconds.push(engine.seconds);
  plainLastLoss = plain.lastLoss;
  engineLastLoss = engine.lastLoss;
}
const result = {
  steps,
  repeats,
  plainStepsPerSecond: steps / median(plainSeconds),
  engineStepsPerSecond: steps / median(engineSeconds),
  overheadFraction: median(engineSeconds.map((seconds, i) => seconds / plainSeconds[i] - 1)),
  plainLastLoss,
  engineLastLoss,
};
if (flags.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(`steps ${steps} x ${repeats} repeats, b = 128, N = ${superBatchSize}, MLP tower, ${backendName} backend`);
  console.log(`plain loop   ${result.plainStepsPerSecond.toFixed(2)} steps/s   last loss ${plainLastLoss.toFixed(6)}`);
  console.log(`engine       ${result.engineStepsPerSecond.toFixed(2)} steps/s   last loss ${engineLastLoss.toFixed(6)} (evaluation excluded)`);
  console.log(`overhead     ${(result.overheadFraction * 100).toFixed(1)}% of the plain loop's time (median of the pairs)`);
}
