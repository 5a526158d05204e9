import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { Rng, type Phase, type RunConfig, type RunEvents } from '@sieve/core';
import { learningRateAt } from '@sieve/tensor';
import {
  createClassifierModel,
  createContrastiveModel,
  type ModelSpec,
} from '@sieve/models';
import { shiftImagesRandomly, type ClassificationDataset, type ContrastiveDataset, type Dataset } from '@sieve/data';
import { gatherRows, gatherValues } from './batch';
import { referenceSpecOf } from './model-spec';
import type { PhaseLedger } from './phase-ledger';

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

/**
 * The frozen reference, prepared (trained, or read from the cache) the first time a step asks for
 * it and shared by every later step, so that a run whose selector never asks never pays for it.
 */
export class ReferenceOnDemand {
  private pending: Promise<ReferenceResult> | null = null;
  /** Set once the reference is ready; null while no step has needed it. */
  result: ReferenceResult | null = null;

  constructor(private readonly prepare: () => Promise<ReferenceResult>) {}

  readonly scores = async (): Promise<ReferenceScores> => {
    this.pending ??= this.prepare();
    this.result = await this.pending;
    return this.result.scores;
  };
}

interface CacheMeta {
  version: number;
  trainingFlops: number;
  embeddingFlops: number;
  trainingSeconds: number;
  embeddingSeconds: number;
  temperature?: number;
  bias?: number;
  dim?: number;
}

const CACHE_VERSION = 1;
const EMBEDDING_CHUNK = 2048;

/** Everything that determines the reference model and its pool scores (`spec`: the learner's). */
export function referenceCacheKey(config: RunConfig, spec: ModelSpec, dataset: Dataset): string {
  const determinants = {
    version: CACHE_VERSION,
    task: config.task,
    data: { ...config.data, cacheDir: undefined },
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
  const cached = await readCache(dir, dataset);
  if (cached) {
    log(`reference model ${cacheKey} reused from ${dir}`);
    // The one-off FLOPs still count towards the totals that include the reference.
    if (!alreadyCharged) {
      ledger.addFlops('reference-training', cached.trainingFlops);
      ledger.addFlops('reference-embedding', cached.embeddingFlops);
    }
    return { ...cached, cacheKey, reusedFromCache: true };
  }
  log(`training reference model ${cacheKey} on ${dataset.reference.count} curated examples`);
  const referenceSpec = referenceSpecOf(config, spec);
  const result =
    dataset.kind === 'contrastive'
      ? await trainContrastiveReference(config, referenceSpec, dataset, dir, phasesOf(ledger, events))
      : await trainClassifierReference(config, referenceSpec, dataset, dir, phasesOf(ledger, events));
  if (!alreadyCharged) {
    ledger.addFlops('reference-training', result.trainingFlops);
    ledger.addFlops('reference-embedding', result.embeddingFlops);
  }
  return { ...result, cacheKey, reusedFromCache: false };
}

async function trainContrastiveReference(
  config: RunConfig,
  spec: ModelSpec,
  dataset: ContrastiveDataset,
  dir: string,
  phases: PhaseRunner,
): Promise<Omit<ReferenceResult, 'cacheKey' | 'reusedFromCache'>> {
  const model = createContrastiveModel(spec, config.seed + 1_000_003);
  const { reference, pool, maxTokens } = dataset;
  const batchSize = Math.min(config.reference.batchSize, reference.count);
  const pixels = dataset.imageSide * dataset.imageSide;
  const images = new Float32Array(batchSize * pixels);
  const augment = augmenterFor(config, dataset.imageSide, batchSize);
  const tokens = new Int32Array(batchSize * maxTokens);
  const trainingSeconds = phases.measure('reference-training', () =>
    trainReferenceSteps(config, reference.count, batchSize, (indices, learningRate) => {
      gatherRows(reference.images, pixels, indices, images);
      augment(images);
      gatherRows(reference.tokens, maxTokens, indices, tokens);
      model.trainStep({ images, tokens, count: batchSize }, learningRate);
    }),
  );
  const trainingFlops = model.flops.trainStep(batchSize) * config.reference.steps;

  const dim = spec.embeddingDim;
  const imageEmbeddings = new Float32Array(pool.count * dim);
  const textEmbeddings = new Float32Array(pool.count * dim);
  const embeddingSeconds = phases.measure('reference-embedding', () =>
    forEachChunk(pool.count, (start, count) => {
      imageEmbeddings.set(model.embedImages(pool.images.subarray(start * pixels, (start + count) * pixels), count), start * dim);
      textEmbeddings.set(model.embedTexts(pool.tokens.subarray(start * maxTokens, (start + count) * maxTokens), count), start * dim);
    }),
  );
  const embeddingFlops = model.flops.embedImages(pool.count) + model.flops.embedTexts(pool.count);
  const meta: CacheMeta = {
    version: CACHE_VERSION,
    trainingFlops,
    embeddingFlops,
    trainingSeconds,
    embeddingSeconds,
    temperature: model.temperature(),
    bias: model.bias(),
    dim,
  };
  await writeCache(dir, meta, { 'image-embeddings.bin': imageEmbeddings, 'text-embeddings.bin': textEmbeddings }, (d) =>
    model.save(d),
  );
  model.dispose();
  return {
    scores: { kind: 'contrastive', imageEmbeddings, textEmbeddings, dim, temperature: meta.temperature!, bias: meta.bias! },
    trainingFlops,
    embeddingFlops,
    trainingSeconds,
    embeddingSeconds,
  };
}

async function trainClassifierReference(
  config: RunConfig,
  spec: ModelSpec,
  dataset: ClassificationDataset,
  dir: string,
  phases: PhaseRunner,
): Promise<Omit<ReferenceResult, 'cacheKey' | 'reusedFromCache'>> {
  const model = createClassifierModel(spec, config.seed + 1_000_003);
  const { reference, pool } = dataset;
  const batchSize = Math.min(config.reference.batchSize, reference.count);
  const pixels = dataset.imageSide * dataset.imageSide;
  const images = new Float32Array(batchSize * pixels);
  const augment = augmenterFor(config, dataset.imageSide, batchSize);
  const labels = new Int32Array(batchSize);
  const trainingSeconds = phases.measure('reference-training', () =>
    trainReferenceSteps(config, reference.count, batchSize, (indices, learningRate) => {
      gatherRows(reference.images, pixels, indices, images);
      augment(images);
      gatherValues(reference.labels, indices, labels);
      model.trainStep({ images, labels, count: batchSize }, learningRate);
    }),
  );
  const trainingFlops = model.flops.trainStep(batchSize) * config.reference.steps;

  const exampleLosses = new Float32Array(pool.count);
  const embeddingSeconds = phases.measure('reference-embedding', () =>
    forEachChunk(pool.count, (start, count) => {
      const images = pool.images.subarray(start * pixels, (start + count) * pixels);
      exampleLosses.set(model.exampleLosses(images, pool.labels.subarray(start, start + count), count), start);
    }),
  );
  const embeddingFlops = model.flops.forward(pool.count);
  const meta: CacheMeta = { version: CACHE_VERSION, trainingFlops, embeddingFlops, trainingSeconds, embeddingSeconds };
  await writeCache(dir, meta, { 'example-losses.bin': exampleLosses }, (d) => model.save(d));
  model.dispose();
  return {
    scores: { kind: 'classification', exampleLosses },
    trainingFlops,
    embeddingFlops,
    trainingSeconds,
    embeddingSeconds,
  };
}

/** The reference's training loop: seeded uniform batches of the curated split, warm-up then cosine decay. */
function trainReferenceSteps(
  config: RunConfig,
  referenceCount: number,
  batchSize: number,
  trainOn: (indices: Int32Array, learningRate: number) => void,
): void {
  for (let step = 1; step <= config.reference.steps; step++) {
    const indices = Rng.derive(config.seed, 0x5eed, step).sampleWithoutReplacement(referenceCount, batchSize);
    const learningRate = learningRateAt(step, {
      peak: config.reference.learningRate,
      warmupSteps: Math.min(config.optimizer.warmupSteps, config.reference.steps),
      totalSteps: config.reference.steps,
      finalFraction: config.optimizer.finalLearningRateFraction,
    });
    trainOn(indices, learningRate);
  }
}

/** Random translation of each reference batch, from its own seeded stream (see `reference.maxShift`). */
function augmenterFor(config: RunConfig, imageSide: number, batchSize: number): (images: Float32Array) => void {
  const rng = Rng.derive(config.seed, 0x5ee0a);
  return (images) => shiftImagesRandomly(images, batchSize, imageSide, config.reference.maxShift, rng);
}

/** Calls `work(start, count)` over [0, total) in chunks that bound memory, not results. */
function forEachChunk(total: number, work: (start: number, count: number) => void): void {
  for (let start = 0; start < total; start += EMBEDDING_CHUNK) work(start, Math.min(EMBEDDING_CHUNK, total - start));
}

/** Measures a reference phase in the ledger and announces its start and end. */
interface PhaseRunner {
  /** Runs `work` as `phase` and returns its seconds. */
  measure(phase: Phase, work: () => void): number;
}

function phasesOf(ledger: PhaseLedger, events: RunEvents): PhaseRunner {
  return {
    measure(phase: Phase, work: () => void): number {
      events.emit({ type: 'phase-start', phase });
      const before = ledger.seconds[phase];
      ledger.measure(phase, work);
      const seconds = ledger.seconds[phase] - before;
      events.emit({ type: 'phase-end', phase, seconds });
      return seconds;
    },
  };
}

/** Writes into a temporary folder and renames it into place, so a killed run leaves no half cache. */
async function writeCache(
  dir: string,
  meta: CacheMeta,
  arrays: Record<string, Float32Array>,
  saveModel: (dir: string) => Promise<void>,
): Promise<void> {
  const staging = `${dir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await saveModel(join(staging, 'model'));
  for (const [name, values] of Object.entries(arrays)) {
    await writeFile(join(staging, name), Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  }
  await writeFileAtomic(join(staging, 'meta.json'), JSON.stringify(meta, null, 2));
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
}

async function readCache(
  dir: string,
  dataset: Dataset,
): Promise<Omit<ReferenceResult, 'cacheKey' | 'reusedFromCache'> | null> {
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) return null;
  try {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as CacheMeta;
    if (meta.version !== CACHE_VERSION) return null;
    const common = {
      trainingFlops: meta.trainingFlops,
      embeddingFlops: meta.embeddingFlops,
      trainingSeconds: meta.trainingSeconds,
      embeddingSeconds: meta.embeddingSeconds,
    };
    if (dataset.kind === 'contrastive') {
      const dim = meta.dim!;
      const imageEmbeddings = await readFloats(join(dir, 'image-embeddings.bin'), dataset.pool.count * dim);
      const textEmbeddings = await readFloats(join(dir, 'text-embeddings.bin'), dataset.pool.count * dim);
      if (!imageEmbeddings || !textEmbeddings) return null;
      return {
        ...common,
        scores: { kind: 'contrastive', imageEmbeddings, textEmbeddings, dim, temperature: meta.temperature!, bias: meta.bias! },
      };
    }
    const exampleLosses = await readFloats(join(dir, 'example-losses.bin'), dataset.pool.count);
    if (!exampleLosses) return null;
    return { ...common, scores: { kind: 'classification', exampleLosses } };
  } catch {
    return null; // a damaged cache is rebuilt
  }
}

async function readFloats(path: string, expectedLength: number): Promise<Float32Array | null> {
  const bytes = await readFile(path);
  if (bytes.byteLength !== expectedLength * 4) return null;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** A cheap content hash of the pool so that a changed dataset never reuses a stale reference. */
function fingerprint(dataset: Dataset): string {
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

