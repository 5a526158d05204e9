import { UserInputError, type ScoringContext, type Selection, type Selector, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { rejectUnknownOptions } from '@sieve/selection';

/**
 * An example of a selector a user writes: "loss band". It drops the candidates the learner
 * finds hardest (likely noise) and easiest (already learnt), and samples the batch uniformly
 * from what is left. It asks the scoring context for the learner's losses only; the context
 * computes them once per step and charges them to the scoring phase.
 *
 * Options: `low` and `high`, the quantiles of the per-example learner loss kept (default 0.2, 0.8).
 */
export class LossBandSelector implements Selector {
  readonly name = 'loss-band';

  constructor(
    private readonly low: number,
    private readonly high: number,
  ) {}

  async select(context: ScoringContext): Promise<Selection> {
    const losses = await context.losses('learner');
    const n = losses.size;
    // An example's own loss: the positive pair's (pairwise task) or its loss (classification).
    const own = Array.from({ length: n }, (_, i) => (losses.kind === 'pairwise' ? losses.values[i * n + i] : losses.values[i]));
    const byLoss = own.map((_, i) => i).sort((a, b) => own[a] - own[b] || a - b);
    let band = byLoss.slice(Math.floor(this.low * n), Math.ceil(this.high * n));
    // Never fewer than b candidates: widen the band towards the easy end if needed.
    if (band.length < context.batchSize) band = byLoss.slice(0, Math.max(context.batchSize, band.length));
    const picks = context.rng.sampleWithoutReplacement(band.length, context.batchSize);
    return { indices: Int32Array.from(picks, (k) => band[k]), diagnostics: { bandSize: band.length } };
  }
}

export const lossBandSelectorFactory: SelectorFactory = {
  name: 'loss-band',
  summary: 'Example plugin: uniform within a band of learner-loss quantiles.',
  create(settings: SelectorSettings): Selector {
    rejectUnknownOptions(settings.options, ['low', 'high'], 'loss-band');
    const low = settings.options.low ?? 0.2;
    const high = settings.options.high ?? 0.8;
    if (typeof low !== 'number' || typeof high !== 'number' || !(low >= 0 && low < high && high <= 1)) {
      throw new UserInputError('selectorOptions.low/high', `need 0 <= low < high <= 1, got low=${String(low)} high=${String(high)}.`);
    }
    return new LossBandSelector(low, high);
  },
};
