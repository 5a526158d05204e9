import type { ScoringContext } from '@sieve/core';
import { topK } from './top-k';

/**
 * The first stage of a cascade: the `keep` candidates of the super-batch with the lowest
 * reference positive-pair loss (per-example loss on classification), best first, as positions in
 * the super-batch. It reads the pool's reference losses, computed once per run, so it costs O(N)
 * per step and no model call. Ties go to the lower position.
 */
export async function prefilterByReferenceLoss(context: ScoringContext, keep: number): Promise<Int32Array> {
  const { superBatchSize, candidatePoolIndices } = context;
  if (!Number.isInteger(keep) || keep < 1 || keep > superBatchSize) {
    throw new RangeError(`the prefilter must keep between 1 and ${superBatchSize} candidates, got ${keep}`);
  }
  const poolLosses = await context.poolReferenceLosses();
  const negatedLosses = new Float64Array(superBatchSize);
  for (let i = 0; i < superBatchSize; i++) negatedLosses[i] = -poolLosses[candidatePoolIndices[i]];
  return topK(negatedLosses, keep);
}

/** How many of N candidates a prefilter keeping the fraction `keep` passes on: at least b, at most N. */
export function prefilterCount(keep: number, superBatchSize: number, batchSize: number): number {
  return Math.min(superBatchSize, Math.max(batchSize, Math.round(keep * superBatchSize)));
}
