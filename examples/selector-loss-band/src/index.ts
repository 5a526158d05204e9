import { z } from 'zod';
import { defineSelector, type ScoringContext, type Selection } from '@sieve/core';
import { numberOption } from '@sieve/selection';

/**
 * An example of a selector a user writes: "loss band". It drops the candidates the learner
 * finds hardest (likely noise) and easiest (already learnt), and samples the batch uniformly
 * from what is left. It asks the scoring context for the learner's losses only; the context
 * computes them once per step and charges them to the scoring phase.
 *
 * Options: `low` and `high`, the quantiles of the per-example learner loss kept (default 0.2, 0.8).
 */
async function selectInBand(context: ScoringContext, low: number, high: number): Promise<Selection> {
  const losses = await context.losses('learner');
  const n = losses.size;
  // An example's own loss: the positive pair's (pairwise task) or its loss (classification).
  const own = Array.from({ length: n }, (_, i) => (losses.kind === 'pairwise' ? losses.values[i * n + i] : losses.values[i]));
  const byLoss = own.map((_, i) => i).sort((a, b) => own[a] - own[b] || a - b);
  let band = byLoss.slice(Math.floor(low * n), Math.ceil(high * n));
  // Never fewer than b candidates: widen the band towards the easy end if needed.
  if (band.length < context.batchSize) band = byLoss.slice(0, Math.max(context.batchSize, band.length));
  const picks = context.rng.sampleWithoutReplacement(band.length, context.batchSize);
  return { indices: Int32Array.from(picks, (k) => band[k]), diagnostics: { bandSize: band.length } };
}

const quantile = (fallback: number) => numberOption('must be a quantile of the learner loss, from 0 to 1', (q) => q >= 0 && q <= 1).default(fallback);

export default defineSelector({
  name: 'loss-band',
  summary: 'Example plugin: uniform within a band of learner-loss quantiles.',
  options: z
    .strictObject({ low: quantile(0.2), high: quantile(0.8) })
    .refine(({ low, high }) => low < high, { path: ['high'], error: 'must be above low (0 <= low < high <= 1)' }),
  create: ({ low, high }) => ({ select: (context) => selectInBand(context, low, high) }),
});
