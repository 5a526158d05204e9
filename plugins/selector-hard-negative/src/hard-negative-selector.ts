import type { ScoringContext, Selection, Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { jointSample, parseJointSelectorOptions, scoreDiagnostics, scoreMatrix, type JointSelectorOptions } from '@sieve/selection';

/**
 * "Hard learner" joint selection: S = L_learner, so the batch leans towards what the learner
 * finds hard (hard negatives in contrastive learning), noise included. Needs no reference model.
 *
 * Options (`selectorOptions`): `mode` (`sample` default, or `greedy`), `chunks` (default: the
 * run's), `resolution` (learner scoring resolution, `fine` default, or `coarse`).
 */
export class HardNegativeSelector implements Selector {
  readonly name = 'hard-negative';

  constructor(readonly options: JointSelectorOptions) {}

  async select(context: ScoringContext): Promise<Selection> {
    const { mode, chunks, resolution } = this.options;
    const matrix = await scoreMatrix(context, 'hard-learner', { resolution });
    const indices = jointSample(matrix.values, matrix.size, context.batchSize, chunks, { mode, rng: context.rng });
    return { indices, diagnostics: scoreDiagnostics('hard-learner', matrix, indices) };
  }
}

export const hardNegativeSelectorFactory: SelectorFactory = {
  name: 'hard-negative',
  summary: 'Joint sampling by the learner loss alone (hard examples, noise included).',
  create(settings: SelectorSettings): Selector {
    return new HardNegativeSelector(parseJointSelectorOptions(settings, 'hard-negative', 'hard-learner'));
  },
};
