import {
  UserInputError,
  undeclaredNeed,
  type Embeddings,
  type LossMatrix,
  type LossRequest,
  type ModelRole,
  type Resolution,
  type Rng,
  type ScoringContext,
  type TaskKind,
} from '@sieve/core';
import * as tf from '@tensorflow/tfjs-core';
import { pairwiseSigmoidLossValues, type ClassifierModel, type ContrastiveModel } from '@sieve/models';
import type { ReferenceScores } from './reference-model';
import { gatherRows, gatherValues } from './batch';
import type { PhaseLedger } from './phase-ledger';
import { checkFinite } from './numerical-guards';

/** The super-batch a scoring context describes, already gathered from the pool. */
export interface SuperBatch {
  /** Pool index of each candidate. */
  poolIndices: Int32Array;
  images: Float32Array;
  /** Contrastive task: caption tokens; classification: empty. */
  tokens: Int32Array;
  /** Classification task: (possibly flipped) labels; contrastive: empty. */
  labels: Int32Array;
  /** Ground-truth noise tag of each candidate (never shown to ordinary selectors). */
  tagNames: readonly string[];
  tags: Uint8Array;
}

export interface ScoringContextOptions {
  task: TaskKind;
  step: number;
  batchSize: number;
  rng: Rng;
  superBatch: SuperBatch;
  learner: ContrastiveModel | ClassifierModel;
  /** The reference's cached scores, prepared before step 1; null when the selector declared no need of them. */
  reference: ReferenceScores | null;
  /** The loss of every pool example (the reference's, or the data's own scores), computed once per run; null when there is none. */
  poolReferenceLosses: (() => Float32Array) | null;
  ledger: PhaseLedger;
  seesNoiseTags: boolean;
  selectorName: string;
  /** Fills the super-batch's images, tokens and labels; called before the learner first scores. */
  gatherInputs?: () => void;
}

/**
 * Computes, lazily and once per step, the losses a selector asks for, and charges their FLOPs,
 * time and energy to the scoring phase. The pool's reference losses come from the run, once.
 */
export class LazyScoringContext implements ScoringContext {
  readonly task: TaskKind;
  readonly step: number;
  readonly superBatchSize: number;
  readonly batchSize: number;
  readonly rng: Rng;
  readonly candidatePoolIndices: Int32Array;
  /** Learner scoring FLOPs this step, by the image resolution they ran at. */
  readonly learnerScoringFlops: Record<Resolution, number> = { fine: 0, coarse: 0 };
  /** The most candidates the learner scored in one request this step (0: it scored none). */
  learnerExamplesScored = 0;
  private readonly computed = new Map<string, LossMatrix>();
  /** Every request of this step by key, settled or not, so a repeated request waits for the first. */
  private readonly requested = new Map<string, Promise<LossMatrix>>();
  private readonly scoringSecondsBefore: number;

  constructor(private readonly options: ScoringContextOptions) {
    this.task = options.task;
    this.step = options.step;
    this.superBatchSize = options.superBatch.poolIndices.length;
    this.batchSize = options.batchSize;
    this.rng = options.rng;
    this.candidatePoolIndices = options.superBatch.poolIndices;
    this.scoringSecondsBefore = options.ledger.seconds.scoring;
  }

  /** Milliseconds of scoring since this context was made (requests made together count once). */
  get scoringMilliseconds(): number {
    return (this.options.ledger.seconds.scoring - this.scoringSecondsBefore) * 1000;
  }

  /** The losses of `model` for the request, computed once per step. */
  async losses(model: ModelRole, request: LossRequest = {}): Promise<LossMatrix> {
    // Everything up to the return runs before the caller's next request, so the map is up to date.
    const resolution: Resolution = model === 'reference' ? 'fine' : (request.resolution ?? 'fine');
    const candidates = request.candidates ? this.checkCandidates(request.candidates) : null;
    const key = lossKey(model, resolution, candidates);
    const requested = this.requested.get(key);
    if (requested) return requested;
    const reference = model === 'reference' ? this.reference("the reference model's losses", this.losses) : null;
    const result = this.computeLosses(model, resolution, candidates, key, reference);
    this.requested.set(key, result);
    return result;
  }

  private async computeLosses(
    model: ModelRole,
    resolution: Resolution,
    candidates: Int32Array | null,
    key: string,
    reference: ReferenceScores | null,
  ): Promise<LossMatrix> {
    const matrix = await this.options.ledger.measureAsync('scoring', () =>
      reference ? this.referenceLosses(reference, candidates) : this.learnerLosses(resolution, candidates),
    );
    // A selector never ranks NaN: top-k would put it last and fall back to the order of the candidates.
    checkFinite(matrix.values, `the ${model} model's ${model === 'learner' ? `${resolution} ` : ''}losses of the super-batch`, this.options.step, 'scoring');
    this.computed.set(key, matrix);
    return matrix;
  }

  async poolReferenceLosses(): Promise<Float32Array> {
    const { poolReferenceLosses } = this.options;
    if (!poolReferenceLosses) throw undeclaredNeed(this.options.selectorName, "the pool's reference losses", 'poolReferenceLosses', this.poolReferenceLosses);
    return poolReferenceLosses();
  }

  /** The prepared reference, or the error that names the `needs` the selector left out (asked for through the method `askedThrough`). */
  private reference(asked: string, askedThrough: (...args: never[]) => unknown): ReferenceScores {
    if (!this.options.reference) throw undeclaredNeed(this.options.selectorName, asked, 'referenceModel', askedThrough);
    return this.options.reference;
  }

  async poolReferenceImageEmbeddings(): Promise<Embeddings> {
    const reference = this.reference("the reference's image embeddings", this.poolReferenceImageEmbeddings);
    if (reference.kind !== 'contrastive') {
      throw new UserInputError(
        '--selector',
        `selector "${this.options.selectorName}" asked for the reference's image embeddings, which exist on the contrastive task only; use it with --task fashion-captions or idx.`,
      );
    }
    return { dim: reference.dim, values: reference.imageEmbeddings };
  }

  noiseTags(): readonly string[] {
    if (!this.options.seesNoiseTags) {
      throw new UserInputError(
        '--selector',
        `selector "${this.options.selectorName}" asked for ground-truth noise tags; only benchmark oracles may see them.`,
      );
    }
    const { tags, tagNames } = this.options.superBatch;
    return Array.from(tags, (tag) => tagNames[tag]);
  }

  /** Losses computed so far this step, by `model:resolution` (all N) or `model:resolution:positions` (a subset). */
  computedLosses(): ReadonlyMap<string, LossMatrix> {
    return this.computed;
  }

  private checkCandidates(candidates: Int32Array): Int32Array {
    const seen = new Uint8Array(this.superBatchSize);
    for (const position of candidates) {
      if (!Number.isInteger(position) || position < 0 || position >= this.superBatchSize || seen[position]) {
        throw new Error(
          `losses were asked for candidate ${position}; candidates must be distinct positions in [0, ${this.superBatchSize})`,
        );
      }
      seen[position] = 1;
    }
    if (candidates.length === 0) throw new Error('losses were asked for an empty list of candidates');
    return candidates;
  }

  /** The learner's inputs for `candidates` (all N when null), gathered from the super-batch. */
  private inputsOf(candidates: Int32Array | null): { images: Float32Array; tokens: Int32Array; labels: Int32Array } {
    const { superBatch } = this.options;
    this.options.gatherInputs?.();
    if (!candidates) return superBatch;
    const n = this.superBatchSize;
    const pixels = superBatch.images.length / n;
    const maxTokens = superBatch.tokens.length / n;
    return {
      images: gatherRows(superBatch.images, pixels, candidates, new Float32Array(candidates.length * pixels)),
      tokens: gatherRows(superBatch.tokens, maxTokens, candidates, new Int32Array(candidates.length * maxTokens)),
      labels: superBatch.labels.length > 0 ? gatherValues(superBatch.labels, candidates, new Int32Array(candidates.length)) : superBatch.labels,
    };
  }

  private async learnerLosses(resolution: Resolution, candidates: Int32Array | null): Promise<LossMatrix> {
    const { learner } = this.options;
    const inputs = this.inputsOf(candidates);
    const n = candidates?.length ?? this.superBatchSize;
    this.learnerExamplesScored = Math.max(this.learnerExamplesScored, n);
    if (learner.kind === 'contrastive') {
      const values = await learner.pairwiseLosses(inputs.images, inputs.tokens, n, resolution);
      const dim = learner.spec.embeddingDim;
      this.chargeLearner(
        resolution,
        learner.flops.embedImages(n, resolution) + learner.flops.embedTexts(n) + learner.flops.pairwiseLosses(n, n, dim),
      );
      return { kind: 'pairwise', size: n, values };
    }
    const values = await learner.exampleLosses(inputs.images, inputs.labels, n, resolution);
    this.chargeLearner(resolution, learner.flops.forward(n, resolution));
    return { kind: 'per-example', size: n, values };
  }

  private chargeLearner(resolution: Resolution, flops: number): void {
    this.options.ledger.addFlops('scoring', flops);
    this.learnerScoringFlops[resolution] += flops;
  }

  private async referenceLosses(reference: ReferenceScores, candidates: Int32Array | null): Promise<LossMatrix> {
    const { superBatch, ledger, learner } = this.options;
    const poolIndices = candidates ? gatherValues(superBatch.poolIndices, candidates, new Int32Array(candidates.length)) : superBatch.poolIndices;
    const n = poolIndices.length;
    if (reference.kind === 'contrastive') {
      const dim = reference.dim;
      const x = gatherRows(reference.imageEmbeddings, dim, poolIndices, new Float32Array(n * dim));
      const y = gatherRows(reference.textEmbeddings, dim, poolIndices, new Float32Array(n * dim));
      const values = await referencePairwiseLosses(x, y, n, dim, reference.temperature, reference.bias);
      if (learner.kind === 'contrastive') ledger.addFlops('scoring', learner.flops.pairwiseLosses(n, n, dim));
      return { kind: 'pairwise', size: n, values };
    }
    const values = gatherValues(reference.exampleLosses, poolIndices, new Float32Array(n));
    return { kind: 'per-example', size: n, values };
  }
}

/** The cache key of one loss request: the subset's positions are part of it. */
function lossKey(model: ModelRole, resolution: Resolution, candidates: Int32Array | null): string {
  return candidates ? `${model}:${resolution}:${candidates.join(',')}` : `${model}:${resolution}`;
}

/**
 * The reference's N x N loss matrix from its cached embeddings, on the tensor backend (several
 * times faster than a JavaScript loop at N = 640).
 */
async function referencePairwiseLosses(x: Float32Array, y: Float32Array, n: number, dim: number, temperature: number, bias: number): Promise<Float32Array> {
  const xs = tf.tensor2d(x, [n, dim]);
  const ys = tf.tensor2d(y, [n, dim]);
  try {
    return await pairwiseSigmoidLossValues(xs, ys, temperature, bias);
  } finally {
    xs.dispose();
    ys.dispose();
  }
}
