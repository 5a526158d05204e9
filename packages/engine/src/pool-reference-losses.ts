import { SIGMOID_LOSS_OPS_PER_PAIR, matmulFlops, softplus } from '@sieve/models';
import type { PhaseLedger } from './phase-ledger';
import type { ReferenceScores } from './reference-model';
import { checkFinite } from './numerical-guards';

/**
 * The reference's loss of every pool example, computed once per run the first time a step asks
 * and shared by every step's scoring context. Its FLOPs go to the scoring phase when computed.
 */
export class PoolReferenceLosses {
  private losses: Float32Array | null = null;
  /** Whether the ledger holds this run's pool-loss FLOPs (kept in the checkpoint for resumes). */
  charged: boolean;

  /** @param alreadyCharged a resumed run's restored ledger already holds the FLOPs */
  constructor(
    private readonly scores: ReferenceScores,
    private readonly ledger: PhaseLedger,
    alreadyCharged = false,
  ) {
    this.charged = alreadyCharged;
  }

  /** @param step the step asking, named if the losses are not finite */
  get(step: number): Float32Array {
    this.losses ??= this.compute(step);
    return this.losses;
  }

  private compute(step: number): Float32Array {
    const losses = this.ledger.measure('scoring', () => poolReferenceLossesOf(this.scores));
    checkFinite(losses, "the reference model's losses of the pool", step, 'scoring');
    if (!this.charged) this.ledger.addFlops('scoring', poolReferenceLossFlops(this.scores, losses.length));
    this.charged = true;
    return losses;
  }
}

/**
 * Per-example losses from scores the data already has (`--score-column`, higher is better, e.g.
 * a CLIP similarity): the negated score, so that lower is better as for the reference's losses and
 * the selectors that read pool losses (offline-filter, the cascade's prefilter) keep the best.
 */
export function poolLossesFromScores(scores: Float32Array): Float32Array {
  return Float32Array.from(scores, (score) => -score);
}

/**
 * Contrastive: L_ii = softplus(-(t <x_i, y_i> + b)) for every pool pair, the diagonal of
 * `pairwiseSigmoidLoss` (same signs, t itself rather than its logarithm). Classification: the
 * cached per-example losses as they are.
 */
export function poolReferenceLossesOf(scores: ReferenceScores): Float32Array {
  if (scores.kind === 'classification') return scores.exampleLosses;
  const { imageEmbeddings: x, textEmbeddings: y, dim, temperature, bias } = scores;
  const count = x.length / dim;
  const losses = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let dot = 0;
    for (let d = i * dim; d < (i + 1) * dim; d++) dot += x[d] * y[d];
    losses[i] = softplus(-(temperature * dot + bias));
  }
  return losses;
}

/** One dot product and one sigmoid loss per pool pair (2 dim + 10); nothing for the cached classification losses. */
export function poolReferenceLossFlops(scores: ReferenceScores, poolCount: number): number {
  return scores.kind === 'contrastive' ? poolCount * (matmulFlops(1, scores.dim, 1) + SIGMOID_LOSS_OPS_PER_PAIR) : 0;
}
