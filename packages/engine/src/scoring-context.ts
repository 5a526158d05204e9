import { performance } from 'node:perf_hooks';
import {
  UserInputError,
  type LossMatrix,
  type LossRequest,
  type ModelRole,
  type Resolution,
  type Rng,
  type ScoringContext,
  type TaskKind,
} from '@sieve/core';
import * as tf from '@tensorflow/tfjs-core';
import { pairwiseSigmoidLoss } from '@sieve/tensor';
import type { ClassifierModel, ContrastiveModel } from '@sieve/models';
import type { ReferenceScores } from './reference-model';
import { gatherRows, gatherValues } from './batch';
import type { PhaseLedger } from './phase-ledger';

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
  /** The reference's cached scores; the first call may train the reference model. */
  reference: () => Promise<ReferenceScores>;
  /** The reference's loss of every pool example; shared by all steps so it is computed once per run. */
  poolReferenceLosses: () => Promise<Float32Array>;
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
  /** Milliseconds spent computing losses for this step. */
  scoringMilliseconds = 0;
  /** Learner scoring FLOPs this step, by the image resolution they ran at. */
  readonly learnerScoringFlops: Record<Resolution, number> = { fine: 0, coarse: 0 };
  private readonly computed = new Map<string, LossMatrix>();

  constructor(private readonly options: ScoringContextOptions) {
    this.task = options.task;
    this.step = options.step;
    this.superBatchSize = options.superBatch.poolIndices.length;
    this.batchSize = options.batchSize;
    this.rng = options.rng;
    this.candidatePoolIndices = options.superBatch.poolIndices;
  }

  async losses(model: ModelRole, request: LossRequest = {}): Promise<LossMatrix> {
    const resolution: Resolution = model === 'reference' ? 'fine' : (request.resolution ?? 'fine');
    const key = `${model}:${resolution}`;
    const known = this.computed.get(key);
    if (known) return known;
    const reference = model === 'reference' ? await this.options.reference() : null;
    const start = performance.now();
    const matrix = this.options.ledger.measure('scoring', () =>
      reference ? this.referenceLosses(reference) : this.learnerLosses(resolution),
    );
    this.scoringMilliseconds += performance.now() - start;
    this.computed.set(key, matrix);
    return matrix;
  }

  async poolReferenceLosses(): Promise<Float32Array> {
    // Preparing the reference is its own phase; only the losses count as this step's scoring time.
    await this.options.reference();
    const start = performance.now();
    const losses = await this.options.poolReferenceLosses();
    this.scoringMilliseconds += performance.now() - start;
    return losses;
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

  /** Losses computed so far this step, by `model:resolution` (for diagnostics). */
  computedLosses(): ReadonlyMap<string, LossMatrix> {
    return this.computed;
  }

  private learnerLosses(resolution: Resolution): LossMatrix {
    const { learner, superBatch } = this.options;
    this.options.gatherInputs?.();
    const n = this.superBatchSize;
    if (learner.kind === 'contrastive') {
      const values = learner.pairwiseLosses(superBatch.images, superBatch.tokens, n, resolution);
      const dim = learner.spec.embeddingDim;
      this.chargeLearner(
        resolution,
        learner.flops.embedImages(n, resolution) + learner.flops.embedTexts(n) + learner.flops.pairwiseLosses(n, n, dim),
      );
      return { kind: 'pairwise', size: n, values };
    }
    const values = learner.exampleLosses(superBatch.images, superBatch.labels, n, resolution);
    this.chargeLearner(resolution, learner.flops.forward(n, resolution));
    return { kind: 'per-example', size: n, values };
  }

  private chargeLearner(resolution: Resolution, flops: number): void {
    this.options.ledger.addFlops('scoring', flops);
    this.learnerScoringFlops[resolution] += flops;
  }

  private referenceLosses(reference: ReferenceScores): LossMatrix {
    const { superBatch, ledger, learner } = this.options;
    const n = this.superBatchSize;
    if (reference.kind === 'contrastive') {
      const dim = reference.dim;
      const x = gatherRows(reference.imageEmbeddings, dim, superBatch.poolIndices, new Float32Array(n * dim));
      const y = gatherRows(reference.textEmbeddings, dim, superBatch.poolIndices, new Float32Array(n * dim));
      const values = referencePairwiseLosses(x, y, n, dim, reference.temperature, reference.bias);
      if (learner.kind === 'contrastive') ledger.addFlops('scoring', learner.flops.pairwiseLosses(n, n, dim));
      return { kind: 'pairwise', size: n, values };
    }
    const values = gatherValues(reference.exampleLosses, superBatch.poolIndices, new Float32Array(n));
    return { kind: 'per-example', size: n, values };
  }
}

/**
 * The reference's N x N loss matrix from its cached embeddings, on the tensor backend (several
 * times faster than a JavaScript loop at N = 640). The result is read outside `tidy`, which
 * would otherwise walk the returned array element by element.
 */
function referencePairwiseLosses(x: Float32Array, y: Float32Array, n: number, dim: number, temperature: number, bias: number): Float32Array {
  const losses = tf.tidy(() =>
    pairwiseSigmoidLoss(tf.tensor2d(x, [n, dim]), tf.tensor2d(y, [n, dim]), tf.scalar(Math.log(temperature)), tf.scalar(bias)),
  );
  const values = losses.dataSync() as Float32Array;
  losses.dispose();
  return values;
}

/** Per-candidate learnability (learner minus reference loss of the positive pair / the example). */
export function diagonalLearnability(learner: LossMatrix, reference: LossMatrix): Float64Array {
  const n = learner.size;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = learner.kind === 'pairwise' ? learner.values[i * n + i] : learner.values[i];
    const r = reference.kind === 'pairwise' ? reference.values[i * n + i] : reference.values[i];
    out[i] = l - r;
  }
  return out;
}
