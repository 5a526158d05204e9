import { Rng, readsPoolLosses, undeclaredNeed, type Embeddings, type LossMatrix, type LossRequest, type ModelRole, type Resolution, type ScoringContext, type SelectorNeeds, type TaskKind } from '@sieve/core';

/** What `fixedScoringContext` serves: the losses, tags and pool data a selector may ask for. */
export interface FixedScoringContextInput {
  /** b. */
  batchSize: number;
  /** N; taken from the loss matrices, the tags or `candidatePoolIndices` when unset. */
  superBatchSize?: number;
  /** Defaults to `contrastive` for pairwise losses, `classification` for per-example ones. */
  task?: TaskKind;
  step?: number;
  /** Seeds `rng` (derived with the step), as the engine seeds it per step. */
  seed?: number;
  learner?: LossMatrix;
  /** Returned for learner requests at `coarse` resolution; `learner` when unset. */
  coarseLearner?: LossMatrix;
  reference?: LossMatrix;
  noiseTags?: readonly string[];
  /** The reference loss of every pool example, served (the same array each time) by `poolReferenceLosses()`. */
  poolReferenceLosses?: Float32Array;
  /**
   * Served by `poolReferenceImageEmbeddings()` (the same object each time): one row per pool index,
   * so at least max(candidatePoolIndices) + 1 rows.
   */
  poolReferenceImageEmbeddings?: Embeddings;
  /** The pool index of each candidate; 0..N-1 when unset. */
  candidatePoolIndices?: Int32Array;
  /** Whether `noiseTags()` answers; like the engine, it throws for selectors that may not see tags. */
  seesNoiseTags?: boolean;
  /**
   * What the selector declared it needs: like the engine, the context then refuses the reference's
   * losses and embeddings without `referenceModel`, and the pool's losses without either need.
   * Unset: everything given is served.
   */
  needs?: SelectorNeeds;
  /** Named in the refusals above. */
  selectorName?: string;
}

/** One `losses()` call the fixed context answered, as recorded in `lossRequests`. */
export interface LossRequestRecord {
  model: ModelRole;
  resolution: Resolution;
  /** Present when the request named a subset of the super-batch. */
  candidates?: number[];
}

/** A scoring context that serves fixed loss matrices and records what it was asked for. */
export interface FixedScoringContext extends ScoringContext {
  readonly lossRequests: readonly LossRequestRecord[];
  readonly noiseTagRequests: number;
  readonly poolLossRequests: number;
}

/**
 * A `ScoringContext` built from given matrices, for testing selectors without models or
 * tensors. Each call to `losses` returns a fresh copy, so a selector that writes into the
 * matrix it was given cannot change what the next call sees; `poolReferenceLosses` returns the
 * given array itself, as the engine returns one array per run.
 */
export function fixedScoringContext(input: FixedScoringContextInput): FixedScoringContext {
  const superBatchSize =
    input.superBatchSize ?? input.learner?.size ?? input.reference?.size ?? input.noiseTags?.length ?? input.candidatePoolIndices?.length;
  if (superBatchSize === undefined) throw new Error('fixedScoringContext: give superBatchSize, losses, tags or candidatePoolIndices');
  const candidatePoolIndices = input.candidatePoolIndices ?? Int32Array.from({ length: superBatchSize }, (_, i) => i);
  if (candidatePoolIndices.length !== superBatchSize) {
    throw new Error(`fixedScoringContext: ${candidatePoolIndices.length} candidatePoolIndices for a super-batch of ${superBatchSize}`);
  }
  const task = input.task ?? ((input.learner ?? input.reference)?.kind === 'per-example' ? 'classification' : 'contrastive');
  const step = input.step ?? 1;
  const lossRequests: LossRequestRecord[] = [];
  let noiseTagRequests = 0;
  let poolLossRequests = 0;
  const { needs, selectorName = 'under test' } = input;
  const refuseUndeclared = (asked: string, need: keyof SelectorNeeds, declared: boolean | undefined) => {
    if (needs && !declared) throw undeclaredNeed(selectorName, asked, need);
  };
  return {
    task,
    step,
    superBatchSize,
    batchSize: input.batchSize,
    rng: Rng.derive(input.seed ?? 0, step),
    candidatePoolIndices,
    get lossRequests() {
      return lossRequests;
    },
    get noiseTagRequests() {
      return noiseTagRequests;
    },
    get poolLossRequests() {
      return poolLossRequests;
    },
    async losses(model: ModelRole, request?: LossRequest): Promise<LossMatrix> {
      const resolution = model === 'learner' ? (request?.resolution ?? 'fine') : 'fine';
      const candidates = request?.candidates;
      lossRequests.push(candidates ? { model, resolution, candidates: Array.from(candidates) } : { model, resolution });
      if (model === 'reference') refuseUndeclared("the reference model's losses", 'referenceModel', needs?.referenceModel);
      const matrix =
        model === 'reference' ? input.reference : resolution === 'coarse' ? (input.coarseLearner ?? input.learner) : input.learner;
      if (!matrix) throw new Error(`fixedScoringContext: no ${model} losses were given`);
      return candidates ? subsetOf(matrix, candidates) : { ...matrix, values: matrix.values.slice() };
    },
    async poolReferenceLosses(): Promise<Float32Array> {
      poolLossRequests++;
      refuseUndeclared("the pool's reference losses", 'poolReferenceLosses', needs && readsPoolLosses(needs));
      if (!input.poolReferenceLosses) throw new Error('fixedScoringContext: no poolReferenceLosses were given');
      return input.poolReferenceLosses;
    },
    async poolReferenceImageEmbeddings(): Promise<Embeddings> {
      refuseUndeclared("the reference's image embeddings", 'referenceModel', needs?.referenceModel);
      const embeddings = input.poolReferenceImageEmbeddings;
      if (!embeddings) throw new Error('fixedScoringContext: no poolReferenceImageEmbeddings were given');
      return embeddings;
    },
    noiseTags(): readonly string[] {
      noiseTagRequests++;
      if (!input.seesNoiseTags) throw new Error('this selector may not read noise tags (its factory does not set seesNoiseTags)');
      if (!input.noiseTags) throw new Error('fixedScoringContext: no noise tags were given');
      return input.noiseTags;
    },
  };
}

/** The losses of `candidates` only, in their order: entry (i, j) is entry (candidates[i], candidates[j]). */
function subsetOf(matrix: LossMatrix, candidates: Int32Array): LossMatrix {
  const k = candidates.length;
  for (const c of candidates) {
    if (!Number.isInteger(c) || c < 0 || c >= matrix.size) throw new Error(`fixedScoringContext: candidate ${c} is outside [0, ${matrix.size})`);
  }
  if (new Set(candidates).size !== k) throw new Error('fixedScoringContext: candidates must be distinct');
  if (matrix.kind === 'per-example') return { kind: 'per-example', size: k, values: Float32Array.from(candidates, (c) => matrix.values[c]) };
  const values = new Float32Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) values[i * k + j] = matrix.values[candidates[i] * matrix.size + candidates[j]];
  return { kind: 'pairwise', size: k, values };
}

/** An N x N pairwise loss matrix with entries in [low, high), from a seeded stream. */
export function randomPairwiseLosses(rng: Rng, size: number, low = 0, high = 5): LossMatrix {
  const values = new Float32Array(size * size);
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * rng.nextFloat();
  return { kind: 'pairwise', size, values };
}

/** N per-example losses in [low, high), from a seeded stream. */
export function randomPerExampleLosses(rng: Rng, size: number, low = 0, high = 5): LossMatrix {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = low + (high - low) * rng.nextFloat();
  return { kind: 'per-example', size, values };
}

/**
 * `rows` L2-normalised embeddings of `dim` numbers from a seeded stream. Every `duplicateEvery`-th
 * row (when set) is a near-copy of the row before it (cosine above 0.999), as a near-duplicate
 * image's embedding is of its original's.
 */
export function randomUnitEmbeddings(rng: Rng, rows: number, dim: number, duplicateEvery = 0): Embeddings {
  const values = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const copy = duplicateEvery > 0 && r > 0 && r % duplicateEvery === 0;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = copy ? values[(r - 1) * dim + d] + 0.001 * (rng.nextFloat() - 0.5) : rng.nextFloat() - 0.5;
      values[r * dim + d] = v;
      norm += v * v;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) values[r * dim + d] *= scale;
  }
  return { dim, values };
}
