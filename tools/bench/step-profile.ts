/**
 * Per-part profile of one selection-and-training step (benchmark protocol, systems figures): the
 * wall milliseconds of each part of a JEST step at N = 640, b = 128 on the default model, timed
 * one part at a time (median of the repeats, after a warm-up). The reference's embeddings are
 * random unit vectors of the right shape: a part's time does not depend on the weights.
 *
 * Parts: gathering the candidates' inputs, the learner's image tower (fine and coarse), its text
 * tower, the N x N pairwise loss from embeddings, the learner's whole scoring pass as the engine
 * runs it, the reference's losses from its cached embeddings (N x N, and the per-example
 * prefilter read, and the k x k matrix of the share the default cascade keeps), building S, the joint sampler,
 * gathering the batch and the training step.
 *
 *   npx tsx tools/bench/step-profile.ts [--repeats 30] [--super-batch 640] [--batch 128] [--json]
 */
import { parseArgs } from 'node:util';
import { Rng, type LossMatrix } from '@sieve/core';
import { pairwiseSigmoidLoss, readTidy } from '@sieve/models';
import { LazyScoringContext, PhaseLedger, type ReferenceScores, type SuperBatch } from '@sieve/engine';
import { jointSample, scoreMatrixFromLosses } from '@sieve/selection';
import * as tf from '@tensorflow/tfjs-core';
import { CASCADE_PREFILTER } from '@sieve/selector-joint';
import { createDefaultLearner } from './default-learner';
import { measure } from './timing';

const { values: flags } = parseArgs({
  options: {
    repeats: { type: 'string', default: '30' },
    'super-batch': { type: 'string', default: '640' },
    batch: { type: 'string', default: '128' },
    json: { type: 'boolean', default: false },
  },
});
const repeats = Number(flags.repeats);
const superBatchSize = Number(flags['super-batch']);
const batchSize = Number(flags.batch);
for (const [name, value] of [['--repeats', repeats], ['--super-batch', superBatchSize], ['--batch', batchSize]] as const) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`error: ${name} takes a whole number above 0`);
    process.exit(2);
  }
}
if (batchSize > superBatchSize || batchSize % 16 !== 0) {
  console.error('error: --batch must be a multiple of 16 and at most --super-batch');
  process.exit(2);
}

// The backend a run takes (auto): wasm-blas where OpenBLAS loads, else wasm.
const { backend, config, dataset, spec, learner, rng, candidates, superBatch, gather, prepared, chosenBatch } = await createDefaultLearner(batchSize, superBatchSize, 'auto');
const dim = spec.embeddingDim;
const referenceDim = config.reference.embeddingDim;

/** Random unit rows of `width` values: the shape of cached embeddings. */
function unitRows(count: number, width = dim): Float32Array {
  const rows = new Float32Array(count * width);
  for (let r = 0; r < count; r++) {
    let norm = 0;
    for (let c = 0; c < width; c++) norm += (rows[r * width + c] = rng.normal()) ** 2;
    for (let c = 0; c < width; c++) rows[r * width + c] /= Math.sqrt(norm);
  }
  return rows;
}
const reference: ReferenceScores = {
  kind: 'contrastive',
  imageEmbeddings: unitRows(dataset.pool.count, referenceDim),
  textEmbeddings: unitRows(dataset.pool.count, referenceDim),
  dim: referenceDim,
  temperature: 10,
  bias: -10,
};
const poolLosses = new Float32Array(dataset.pool.count).map(() => rng.nextFloat());

const contextFor = (batch: SuperBatch) =>
  new LazyScoringContext({
    task: 'contrastive',
    step: 1,
    batchSize,
    rng: new Rng(1),
    superBatch: batch,
    learner,
    reference,
    poolReferenceLosses: () => poolLosses,
    ledger: new PhaseLedger(null),
    seesNoiseTags: false,
    selectorName: 'profile',
    gatherInputs: () => gather(batch),
  });

/** Median wall milliseconds of `part` over the repeats; `prepare` runs untimed before each. */
const timed = async <T>(prepare: () => T | Promise<T>, part: (input: T) => unknown): Promise<number> => (await measure(repeats, prepare, part)).wallMs;

const learnerLosses = async (): Promise<LossMatrix> => ({
  kind: 'pairwise',
  size: superBatchSize,
  values: await learner.pairwiseLosses(prepared().images, prepared().tokens, superBatchSize),
});
const scoresFor = async () => scoreMatrixFromLosses('learnability', await learnerLosses(), await learnerLosses()).values;

const parts: Record<string, number> = {};
parts.gatherCandidates = await timed(() => superBatch(candidates()), gather);
parts.learnerImageTowerFine = await timed(prepared, (b) => learner.embedImages(b.images, superBatchSize, 'fine'));
parts.learnerImageTowerCoarse = await timed(prepared, (b) => learner.embedImages(b.images, superBatchSize, 'coarse'));
parts.learnerTextTower = await timed(prepared, (b) => learner.embedTexts(b.tokens, superBatchSize));
parts.pairwiseLossFromEmbeddings = await timed(
  () => [unitRows(superBatchSize), unitRows(superBatchSize)] as const,
  ([x, y]) =>
    readTidy(() => pairwiseSigmoidLoss(tf.tensor2d(x, [superBatchSize, dim]), tf.tensor2d(y, [superBatchSize, dim]), tf.scalar(Math.log(10)), tf.scalar(-10))),
);
parts.learnerScoringFine = await timed(() => contextFor(superBatch(candidates())), (c) => c.losses('learner', { resolution: 'fine' }));
parts.learnerScoringCoarse = await timed(() => contextFor(superBatch(candidates())), (c) => c.losses('learner', { resolution: 'coarse' }));
parts.referenceLossesFromCache = await timed(() => contextFor(superBatch(candidates())), (c) => c.losses('reference'));
// The cascade's second stage: the reference's k x k matrix over what its default prefilter keeps.
const kept = Int32Array.from({ length: Math.round(CASCADE_PREFILTER * superBatchSize) }, (_, i) => i);
parts.referenceLossesPrefiltered = await timed(() => contextFor(superBatch(candidates())), (c) => c.losses('reference', { candidates: kept }));
parts.referencePoolLossRead = await timed(
  () => candidates(),
  (indices) => {
    const out = new Float32Array(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = poolLosses[indices[i]];
  },
);
parts.buildScoreMatrix = await timed(
  async () => [await learnerLosses(), await learnerLosses()] as const,
  ([l, r]) => scoreMatrixFromLosses('learnability', l, r),
);
parts.jointSampler = await timed(scoresFor, (s) => jointSample(s, superBatchSize, batchSize, 16, { mode: 'sample', rng }));
parts.gatherBatch = await timed(() => superBatch(candidates().subarray(0, batchSize) as Int32Array), gather);
parts.trainingStep = await timed(chosenBatch, (b) => learner.trainStep({ images: b.images, tokens: b.tokens, count: batchSize }, 1e-4));
learner.dispose();

const result = { superBatchSize, batchSize, chunks: 16, repeats, referenceDim, backend, milliseconds: parts };
if (flags.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(`one step at N = ${superBatchSize}, b = ${batchSize}, n = 16, MLP tower, ${result.backend} backend (median of ${repeats})`);
  for (const [part, ms] of Object.entries(parts)) console.log(`${part.padEnd(28)} ${ms.toFixed(2).padStart(8)} ms`);
}
