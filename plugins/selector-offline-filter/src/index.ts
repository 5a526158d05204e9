import { z } from 'zod';
import { defineSelector, type ScoringContext, type Selection } from '@sieve/core';
import { numberOption } from '@sieve/selection';

/**
 * A baseline, what a practitioner would pick instead of online selection: CLIP-score filtering
 * as in DataComp. The whole pool is scored once by the frozen reference; the fraction `keep` with
 * the lowest reference positive-pair loss is kept, and each step trains on b candidates drawn
 * uniformly from the super-batch's kept ones. When fewer than b are kept it takes them all and
 * fills the rest with the other candidates of lowest reference loss, reporting how many in
 * `filledBeyondThreshold`. It never scores with the learner.
 */
export class OfflineFilterSelector {
  /** The kept set, built once per run: the engine serves the same pool-loss array every step. */
  private kept: { poolLosses: Float32Array; mask: Uint8Array } | null = null;

  /** @param keep the fraction of the pool kept, in (0, 1] */
  constructor(readonly keep: number) {}

  async select(context: ScoringContext): Promise<Selection> {
    const { superBatchSize, batchSize, rng, candidatePoolIndices } = context;
    const poolLosses = await context.poolReferenceLosses();
    if (this.kept?.poolLosses !== poolLosses) this.kept = { poolLosses, mask: keptPoolMask(poolLosses, this.keep) };
    const { mask } = this.kept;

    const kept: number[] = [];
    const rest: number[] = [];
    for (let i = 0; i < superBatchSize; i++) (mask[candidatePoolIndices[i]] ? kept : rest).push(i);

    const fromKept = Math.min(batchSize, kept.length);
    const filledBeyondThreshold = batchSize - fromKept;
    const indices = new Int32Array(batchSize);
    rng.sampleWithoutReplacement(kept.length, fromKept).forEach((draw, slot) => (indices[slot] = kept[draw]));
    if (filledBeyondThreshold > 0) {
      // Deterministic fill: the next-best candidates by reference loss, ties to the lower index.
      const lossOf = (i: number) => poolLosses[candidatePoolIndices[i]];
      rest.sort((a, b) => lossOf(a) - lossOf(b) || a - b);
      for (let slot = 0; slot < filledBeyondThreshold; slot++) indices[fromKept + slot] = rest[slot];
    }
    return { indices, diagnostics: { keptCandidates: kept.length, filledBeyondThreshold } };
  }
}

/** 1 for the round(keep x pool size) pool examples of lowest loss (at least one), ties to the lower index. */
export function keptPoolMask(poolLosses: Float32Array, keep: number): Uint8Array {
  const count = Math.min(poolLosses.length, Math.max(1, Math.round(keep * poolLosses.length)));
  const order = Array.from({ length: poolLosses.length }, (_, i) => i);
  order.sort((a, b) => poolLosses[a] - poolLosses[b] || a - b);
  const mask = new Uint8Array(poolLosses.length);
  for (let rank = 0; rank < count; rank++) mask[order[rank]] = 1;
  return mask;
}

export default defineSelector({
  name: 'offline-filter',
  summary: 'Baseline: filter the pool once by reference loss (CLIP-score filtering), then uniform over the kept examples.',
  benchmarkOnly: true,
  options: z.strictObject({
    keep: numberOption('must be the fraction of the pool to keep, a number in (0, 1] (default b / N = 1 - filter ratio)', (keep) => keep > 0 && keep <= 1).optional(),
  }),
  needs: { poolReferenceLosses: true },
  create: ({ keep }, settings) => new OfflineFilterSelector(keep ?? settings.batchSize / settings.superBatchSize),
});
