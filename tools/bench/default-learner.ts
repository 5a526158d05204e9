/**
 * The default learner on the default task, set up for timing its parts (shared by the step
 * profile and the peer bench): the run configuration of the default run at a given b and N, the
 * dataset, the model spec, a fresh learner (seed 0) and the pool gathered into super-batches and
 * batches as the engine gathers them. Both time its parts with `measure` (timing.ts).
 */
import { Rng, runConfigSchema, type RunConfig } from '@sieve/core';
import { loadDataset, type ContrastiveDataset } from '@sieve/data';
import { initBackend, type BackendRequest, createContrastiveModel, type ContrastiveModel, type ModelSpec } from '@sieve/models';
import { modelSpecOf, type SuperBatch } from '@sieve/engine';

export interface DefaultLearner {
  /** The backend it runs on (what `auto` picked, where asked for `auto`). */
  backend: string;
  config: RunConfig;
  dataset: ContrastiveDataset;
  spec: ModelSpec;
  learner: ContrastiveModel;
  /** Draws the candidates; shared with the caller's own random inputs. */
  rng: Rng;
  batchSize: number;
  superBatchSize: number;
  /** Values per image (side x side x channels) and tokens per caption. */
  pixels: number;
  maxTokens: number;
  /** N distinct pool indices, drawn at random. */
  candidates(): Int32Array;
  /** An empty super-batch for these pool indices (call `gather` to fill it). */
  superBatch(poolIndices: Int32Array): SuperBatch;
  /** Copies the images and tokens of the batch's pool indices into it. */
  gather(batch: SuperBatch): void;
  /** N random candidates, gathered. */
  prepared(): SuperBatch;
  /** b random examples, gathered: a training batch. */
  chosenBatch(): SuperBatch;
}

/** The default run's learner at b = `batchSize` and N = `superBatchSize`, on `backend`. */
export async function createDefaultLearner(batchSize: number, superBatchSize: number, backend: BackendRequest = 'wasm'): Promise<DefaultLearner> {
  const config = runConfigSchema.parse({
    steps: 1,
    batchSize,
    filterRatio: 0.8,
    chunks: 16,
    seed: 0,
    evalEvery: 1,
    out: 'unused',
    energy: { enabled: false },
    dashboard: false,
  });
  const { name: backendName } = await initBackend(backend);
  const dataset = (await loadDataset(config)).dataset as ContrastiveDataset;
  const spec = modelSpecOf(config, dataset);
  const pixels = dataset.imageSide * dataset.imageSide * (dataset.imageChannels ?? 1);
  const { maxTokens } = dataset;
  const rng = new Rng(7);

  const candidates = () => rng.sampleWithoutReplacement(dataset.pool.count, superBatchSize);
  const superBatch = (poolIndices: Int32Array): SuperBatch => ({
    poolIndices,
    images: new Float32Array(poolIndices.length * pixels),
    tokens: new Int32Array(poolIndices.length * maxTokens),
    labels: new Int32Array(0),
    tagNames: dataset.pool.tagNames,
    tags: new Uint8Array(poolIndices.length),
  });
  const gather = (batch: SuperBatch) => {
    const { poolIndices } = batch;
    for (let r = 0; r < poolIndices.length; r++) {
      batch.images.set(dataset.pool.images.subarray(poolIndices[r] * pixels, (poolIndices[r] + 1) * pixels), r * pixels);
      batch.tokens.set(dataset.pool.tokens.subarray(poolIndices[r] * maxTokens, (poolIndices[r] + 1) * maxTokens), r * maxTokens);
    }
  };
  const gathered = (poolIndices: Int32Array) => {
    const batch = superBatch(poolIndices);
    gather(batch);
    return batch;
  };
  return {
    backend: backendName,
    config,
    dataset,
    spec,
    learner: createContrastiveModel(spec, 0),
    rng,
    batchSize,
    superBatchSize,
    pixels,
    maxTokens,
    candidates,
    superBatch,
    gather,
    prepared: () => gathered(candidates()),
    chosenBatch: () => gathered(candidates().subarray(0, batchSize) as Int32Array),
  };
}
