import type { ScoringContext, Selection, Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { checkBatchFits, rejectUnknownOptions } from '@sieve/selection';

/**
 * The baseline every other selector is measured against: b distinct candidates drawn
 * uniformly from the super-batch with the step's seeded stream. It never asks for losses,
 * so it costs no scoring FLOPs.
 */
export class UniformSelector implements Selector {
  readonly name = 'uniform';

  async select(context: ScoringContext): Promise<Selection> {
    checkBatchFits(context.batchSize, context.superBatchSize);
    return { indices: context.rng.sampleWithoutReplacement(context.superBatchSize, context.batchSize) };
  }
}

export const uniformSelectorFactory: SelectorFactory = {
  name: 'uniform',
  summary: 'b candidates uniformly at random from the super-batch (the baseline; scores nothing).',
  create(settings: SelectorSettings): Selector {
    rejectUnknownOptions(settings.options, [], 'uniform');
    checkBatchFits(settings.batchSize, settings.superBatchSize);
    return new UniformSelector();
  },
};
