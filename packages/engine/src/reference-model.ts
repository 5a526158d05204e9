import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Rng, UserInputError, isUserInputError, type Phase, type RunConfig, type RunEvents } from '@sieve/core';
import {
  learningRateAt,
  createClassifierModel,
  createContrastiveModel,
  loadClassifierModel,
  loadContrastiveModel,
  type ClassifierModel,
  type ContrastiveModel,
  pixelsOf,
  type ModelSpec,
} from '@sieve/models';
import { shiftImagesRandomly, type ClassificationDataset, type ContrastiveDataset, type Dataset } from '@sieve/data';
import { gatherRows, gatherValues } from './batch';
import { referenceSpecOf } from './model-spec';
import { readPoolRows, rowRange } from './pool-rows';
import type { PhaseLedger } from './phase-ledger';
import { checkCacheWritable, writingCache } from './reference-cache-access';
import {
  REFERENCE_CACHE_VERSION,
  EMBEDDING_CHUNK,
  forEachChunk,
  modelDir,
  readShards,
  trainedPath,
  readTrained,
  shardDone,
  shardRange,
  writeShard,
  writeTrained,
  type ScoreArrays,
  type ShardMeta,
  type TrainedMeta,
} from './reference-cache';

/** What the learner's scoring needs from the frozen reference model, computed once. */
export type ReferenceScores =
  | {
      kind: 'contrastive';
      /** Pool image and caption embeddings, poolCount x dim each (L2-normalised). */
      imageEmbeddings: Float32Array;
      textEmbeddings: Float32Array;
      dim: number;
      temperature: number;
      bias: number;
    }
  | {
      kind: 'classification';
      /** Reference loss of every pool example against its (possibly flipped) label. */
      exampleLosses: Float32Array;
    };

export interface ReferenceResult {
  scores: ReferenceScores;
  cacheKey: string;
  reusedFromCache: boolean;
  /** One-off costs, reported in every run (also when reused from the cache). */
  trainingFlops: number;
  embeddingFlops: number;
  trainingSeconds: number;
  embeddingSeconds: number;
}

/** Everything that determines the reference model and its pool scores (`spec`: the learner's). */
export function referenceCacheKey(config: RunConfig, spec: ModelSpec, dataset: Dataset): string {
  const determinants = {
    version: REFERENCE_CACHE_VERSION,
    task: config.task,
    // Where the pool is held (store or memory) changes nothing the reference computes.
    data: { ...config.data, cacheDir: undefined, files: config.data.files && { ...config.data.files, poolInMemory: undefined } },
    model: referenceSpecOf(config, spec),
    reference: { ...config.reference, cacheDir: undefined },
    seed: config.seed,
    pool: dataset.pool.count,
    referenceCount: dataset.reference.count,
    dataFingerprint: fingerprint(dataset),
  };
  return createHash('sha256').update(JSON.stringify(determinants)).digest('hex').slice(0, 16);
}

/** The folder that holds (or will hold) the reference model with `cacheKey`. */
export function referenceCacheDir(config: RunConfig, cacheKey: string): string {
  return join(config.reference.cacheDir ?? join(config.data.cacheDir, 'reference'), cacheKey);
}

/**
 * Trains the reference model on the curated split (or reuses it from the cache) and computes
 * what scoring needs for the whole pool once: embeddings (contrastive) or losses (classification).
 * Scores that `embed-reference --shards K` wrote are read as if one process had written them.
 */
export async function prepareReference(
  config: RunConfig,
  spec: ModelSpec,
  dataset: Dataset,
  ledger: PhaseLedger,
  events: RunEvents,
  /** A resumed run's ledger already holds the one-off costs. */
  alreadyCharged = false,
): Promise<ReferenceResult> {
  const log = (message: string) => events.emit({ type: 'log', message });
  const cacheKey = referenceCacheKey(config, spec, dataset);
  const dir = referenceCacheDir(config, cacheKey);
  const charge = (result: Omit<ReferenceResult, 'cacheKey' | 'reusedFromCache'>) => {
    // The one-off FLOPs count towards the totals that include the reference, also when reused.
    if (alreadyCharged) return;
    ledger.addFlops('reference-training', result.trainingFlops);
    ledger.addFlops('reference-embedding', result.embeddingFlops);
  };
  const trained = readTrained(dir);
  const shards = trained ? await readShards(dir, dataset.pool.count, scoreFiles(dataset, trained)) : null;
  if (trained && shards) {
    log(`reference model ${cacheKey} reused from ${dir}${shards.shards > 1 ? ` (pool scores from ${shards.shards} shards)` : ''}`);
    const result = { ...resultOf(dataset, trained, shards.arrays), embeddingFlops: shards.flops, embeddingSeconds: shards.seconds };
    charge(result);
    return { ...result, cacheKey, reusedFromCache: true };
  }
  checkCacheWritable(dir, config);
  const phases = phasesOf(ledger, events);
  const cached = trained && (await cachedReference(dir, config, spec, dataset, events));
  const { model, meta } = cached && trained ? { model: cached, meta: trained } : await trainReference(config, spec, dataset, dir, phases, log, cacheKey);
  if (cached) log(`reference model ${cacheKey} reused from ${dir}; embedding the pool`);
  const embedded = await embedShard(model, config, dataset, dir, 0, 1, phases);
  model.dispose();
  const result = { ...resultOf(dataset, meta, embedded.arrays), embeddingFlops: embedded.flops, embeddingSeconds: embedded.seconds };
  charge(result);
  return { ...result, cacheKey, reusedFromCache: false };
}

/** Trains the reference of `config` into its cache folder, unless a trained one is there; for `embed-reference`. */
export async function trainReferenceModel(config: RunConfig, spec: ModelSpec, dataset: Dataset, ledger: PhaseLedger, events: RunEvents): Promise<TrainedMeta & { cacheKey: string; reused: boolean }> {
  const cacheKey = referenceCacheKey(config, spec, dataset);
  const dir = referenceCacheDir(config, cacheKey);
  const trained = readTrained(dir);
  if (trained) return { ...trained, cacheKey, reused: true };
  checkCacheWritable(dir, config);
  const { model, meta } = await trainReference(config, spec, dataset, dir, phasesOf(ledger, events), (message) => events.emit({ type: 'log', message }), cacheKey);
  model.dispose();
  return { ...meta, cacheKey, reused: false };
}

/**
 * Embeds shard `shard` of `shards` of the pool with the cached trained reference and writes it
 * into the cache; for `embed-reference --shards K`. A shard already done is left as it is.
 */
export async function embedReferenceShard(
  config: RunConfig,
  spec: ModelSpec,
  dataset: Dataset,
  shard: number,
  shards: number,
  ledger: PhaseLedger,
  events: RunEvents,
): Promise<ShardMeta & { cacheKey: string; reused: boolean }> {
  const cacheKey = referenceCacheKey(config, spec, dataset);
  const dir = referenceCacheDir(config, cacheKey);
  const range = shardRange(dataset.pool.count, shard, shards);
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) throw new UserInputError('--shard', `must be 0 to ${shards - 1}; got ${shard}.`);
  if (shardDone(dir, shard, shards)) {
    return { version: REFERENCE_CACHE_VERSION, shard, shards, ...range, flops: 0, seconds: 0, cacheKey, reused: true };
  }
  if (!readTrained(dir)) throw new UserInputError('--shard', `the reference ${cacheKey} is not trained yet (no ${trainedPath(dir)}); train it first (embed-reference does, before its shards).`);
  checkCacheWritable(dir, config);
  const model = await loadReference(dir, config, spec, dataset).catch((error: unknown) => {
    if (!isUserInputError(error)) throw error;
    // Several shard tasks may run at once: none trains the model again, the next embed-reference does.
    rmSync(trainedPath(dir), { force: true });
    throw new UserInputError('--shard', `the cached reference model in ${dir} is damaged (${damageOf(error, dir)}); run embed-reference again: it trains the model again.`);
  });
  try {
    const embedded = await embedShard(model, config, dataset, dir, shard, shards, phasesOf(ledger, events));
    return { version: REFERENCE_CACHE_VERSION, shard, shards, ...range, flops: embedded.flops, seconds: embedded.seconds, cacheKey, reused: false };
  } finally {
    model.dispose();
  }
}

type ReferenceModel = ContrastiveModel | ClassifierModel;

/** The score files of a dataset's kind, with their values per pool row. */
function scoreFiles(dataset: Dataset, trained: TrainedMeta): Record<string, number> {
  return dataset.kind === 'contrastive' ? { 'image-embeddings.bin': trained.dim!, 'text-embeddings.bin': trained.dim! } : { 'example-losses.bin': 1 };
}

function resultOf(dataset: Dataset, trained: TrainedMeta, arrays: ScoreArrays): Omit<ReferenceResult, 'cacheKey' | 'reusedFromCache' | 'embeddingFlops' | 'embeddingSeconds'> {
  const scores: ReferenceScores =
    dataset.kind === 'contrastive'
      ? {
          kind: 'contrastive',
          imageEmbeddings: arrays['image-embeddings.bin'],
          textEmbeddings: arrays['text-embeddings.bin'],
          dim: trained.dim!,
          temperature: trained.temperature!,
          bias: trained.bias!,
        }
      : { kind: 'classification', exampleLosses: arrays['example-losses.bin'] };
  return { scores, trainingFlops: trained.trainingFlops, trainingSeconds: trained.trainingSeconds };
}

async function loadReference(dir: string, config: RunConfig, spec: ModelSpec, dataset: Dataset): Promise<ReferenceModel> {
  const referenceSpec = referenceSpecOf(config, spec);
  return dataset.kind === 'contrastive' ? loadContrastiveModel(modelDir(dir), referenceSpec) : loadClassifierModel(modelDir(dir), referenceSpec);
}

/**
 * The trained model of the cache folder `dir`, or null with a warning when its files are damaged
 * (cut short, failing their hash): it is trained again, as damaged cached images are decoded again.
 */
async function cachedReference(dir: string, config: RunConfig, spec: ModelSpec, dataset: Dataset, events: RunEvents): Promise<ReferenceModel | null> {
  try {
    return await loadReference(dir, config, spec, dataset);
  } catch (error) {
    if (!isUserInputError(error)) throw error;
    events.emit({ type: 'warning', message: `the cached reference model in ${dir} is damaged (${damageOf(error, dir)}); training it again` });
    return null;
  }
}

/** What a failed load found, without its advice to save the model again (the cache trains it again). */
function damageOf(error: UserInputError, dir: string): string {
  return `${relative(dir, error.field) || '.'}: ${error.problem.split(';')[0]}`;
}

async function trainReference(
  config: RunConfig,
  spec: ModelSpec,
  dataset: Dataset,
  dir: string,
  phases: PhaseRunner,
  log: (message: string) => void,
  cacheKey: string,
): Promise<{ model: ReferenceModel; meta: TrainedMeta }> {
  log(`training reference model ${cacheKey} on ${dataset.reference.count} curated examples`);
  const referenceSpec = referenceSpecOf(config, spec);
  const trained = dataset.kind === 'contrastive' ? await trainContrastiveReference(config, referenceSpec, dataset, phases) : await trainClassifierReference(config, referenceSpec, dataset, phases);
  const { model } = trained;
  const meta: TrainedMeta = {
    version: REFERENCE_CACHE_VERSION,
    trainingFlops: trained.trainingFlops,
    trainingSeconds: trained.trainingSeconds,
    ...('temperature' in model ? { temperature: await model.temperature(), bias: await model.bias(), dim: referenceSpec.embeddingDim } : {}),
  };
  await writingCache(dir, config, () => writeTrained(dir, meta, (d) => model.save(d)));
  return { model, meta };
}

async function trainContrastiveReference(config: RunConfig, spec: ModelSpec, dataset: ContrastiveDataset, phases: PhaseRunner) {
  const model = createContrastiveModel(spec, config.seed + 1_000_003);
  const { reference, maxTokens } = dataset;
  const batchSize = Math.min(config.reference.batchSize, reference.count);
  const pixels = pixelsOf(spec);
  const images = new Float32Array(batchSize * pixels);
  const augment = augmenterFor(config, spec, batchSize);
  const tokens = new Int32Array(batchSize * maxTokens);
  const trainingSeconds = await phases.measure('reference-training', () =>
    trainReferenceSteps(config, reference.count, batchSize, async (indices, learningRate) => {
      gatherRows(reference.images, pixels, indices, images);
      augment(images);
      gatherRows(reference.tokens, maxTokens, indices, tokens);
      await model.trainStep({ images, tokens, count: batchSize }, learningRate);
    }),
  );
  return { model, trainingFlops: model.flops.trainStep(batchSize) * config.reference.steps, trainingSeconds };
}

async function trainClassifierReference(config: RunConfig, spec: ModelSpec, dataset: ClassificationDataset, phases: PhaseRunner) {
  const model = createClassifierModel(spec, config.seed + 1_000_003);
  const { reference } = dataset;
  const batchSize = Math.min(config.reference.batchSize, reference.count);
  const pixels = pixelsOf(spec);
  const images = new Float32Array(batchSize * pixels);
  const augment = augmenterFor(config, spec, batchSize);
  const labels = new Int32Array(batchSize);
  const trainingSeconds = await phases.measure('reference-training', () =>
    trainReferenceSteps(config, reference.count, batchSize, async (indices, learningRate) => {
      gatherRows(reference.images, pixels, indices, images);
      augment(images);
      gatherValues(reference.labels, indices, labels);
      await model.trainStep({ images, labels, count: batchSize }, learningRate);
    }),
  );
  return { model, trainingFlops: model.flops.trainStep(batchSize) * config.reference.steps, trainingSeconds };
}

/** Scores the pool rows of one shard with the frozen model and writes them into the cache. */
async function embedShard(
  model: ReferenceModel,
  config: RunConfig,
  dataset: Dataset,
  dir: string,
  shard: number,
  shards: number,
  phases: PhaseRunner,
): Promise<{ arrays: ScoreArrays; flops: number; seconds: number }> {
  const { start, count } = shardRange(dataset.pool.count, shard, shards);
  const pixels = pixelsOf(model.spec);
  const { pool } = dataset;
  let arrays: ScoreArrays;
  let flops: number;
  let seconds: number;
  if (dataset.kind === 'contrastive') {
    const contrastive = model as ContrastiveModel;
    const dim = contrastive.spec.embeddingDim;
    const maxTokens = dataset.maxTokens;
    const imageEmbeddings = new Float32Array(count * dim);
    const textEmbeddings = new Float32Array(count * dim);
    // One chunk of the pool's rows at a time: a pool on disk is never read whole.
    const chunkImages = new Float32Array(Math.min(count, EMBEDDING_CHUNK) * pixels);
    const chunkTokens = new Int32Array(Math.min(count, EMBEDDING_CHUNK) * maxTokens);
    seconds = await phases.measure('reference-embedding', () =>
      forEachChunk(start, count, async (at, rows) => {
        const images = chunkImages.subarray(0, rows * pixels);
        const tokens = chunkTokens.subarray(0, rows * maxTokens);
        readPoolRows(dataset, rowRange(at, rows), images, tokens);
        imageEmbeddings.set(await contrastive.embedImages(images, rows), (at - start) * dim);
        textEmbeddings.set(await contrastive.embedTexts(tokens, rows), (at - start) * dim);
      }),
    );
    flops = contrastive.flops.embedImages(count) + contrastive.flops.embedTexts(count);
    arrays = { 'image-embeddings.bin': imageEmbeddings, 'text-embeddings.bin': textEmbeddings };
  } else {
    const classifier = model as ClassifierModel;
    const exampleLosses = new Float32Array(count);
    seconds = await phases.measure('reference-embedding', () =>
      forEachChunk(start, count, async (at, rows) => {
        exampleLosses.set(await classifier.exampleLosses(pool.images.subarray(at * pixels, (at + rows) * pixels), pool.labels.subarray(at, at + rows), rows), at - start);
      }),
    );
    flops = classifier.flops.forward(count);
    arrays = { 'example-losses.bin': exampleLosses };
  }
  await writingCache(dir, config, () => writeShard(dir, { version: REFERENCE_CACHE_VERSION, shard, shards, start, count, flops, seconds }, arrays));
  return { arrays, flops, seconds };
}

/** The reference's training loop: seeded uniform batches of the curated split, warm-up then cosine decay. */
async function trainReferenceSteps(
  config: RunConfig,
  referenceCount: number,
  batchSize: number,
  trainOn: (indices: Int32Array, learningRate: number) => Promise<void>,
): Promise<void> {
  for (let step = 1; step <= config.reference.steps; step++) {
    const indices = Rng.derive(config.seed, 0x5eed, step).sampleWithoutReplacement(referenceCount, batchSize);
    const learningRate = learningRateAt(step, {
      peak: config.reference.learningRate,
      warmupSteps: Math.min(config.optimizer.warmupSteps, config.reference.steps),
      totalSteps: config.reference.steps,
      finalFraction: config.optimizer.finalLearningRateFraction,
    });
    await trainOn(indices, learningRate);
  }
}

/** Random translation of each reference batch, from its own seeded stream (see `reference.maxShift`). */
function augmenterFor(config: RunConfig, spec: ModelSpec, batchSize: number): (images: Float32Array) => void {
  const rng = Rng.derive(config.seed, 0x5ee0a);
  return (images) => shiftImagesRandomly(images, batchSize, spec.imageSide, config.reference.maxShift, rng, spec.imageChannels ?? 1);
}

/** Measures a reference phase in the ledger and announces its start and end. */
interface PhaseRunner {
  /** Runs `work` as `phase` and returns its seconds. */
  measure(phase: Phase, work: () => Promise<void>): Promise<number>;
}

function phasesOf(ledger: PhaseLedger, events: RunEvents): PhaseRunner {
  return {
    async measure(phase: Phase, work: () => Promise<void>): Promise<number> {
      events.emit({ type: 'phase-start', phase });
      const before = ledger.seconds[phase];
      await ledger.measureAsync(phase, work);
      const seconds = ledger.seconds[phase] - before;
      events.emit({ type: 'phase-end', phase, seconds });
      return seconds;
    },
  };
}

/** A cheap content hash of the pool so that a changed dataset never reuses a stale reference. */
function fingerprint(dataset: Dataset): string {
  if (dataset.kind === 'contrastive' && dataset.contentId !== undefined) return dataset.contentId;
  const hash = createHash('sha256');
  const sample = (values: ArrayLike<number>, stride: number) => {
    const picked: number[] = [];
    for (let i = 0; i < values.length; i += stride) picked.push(values[i]);
    hash.update(JSON.stringify(picked));
  };
  sample(dataset.pool.images, 997);
  sample(dataset.pool.labels, 7);
  if (dataset.kind === 'contrastive') sample(dataset.pool.tokens, 13);
  return hash.digest('hex').slice(0, 16);
}

