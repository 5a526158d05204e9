import type { Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { JointScoreSelector, parseJointSelectorOptions } from '@sieve/selection';

/**
 * "Easy reference" joint selection: S = -L_reference, so the batch leans towards what the
 * reference model (trained on curated data) finds easy. Never runs the learner, so it costs
 * no learner scoring.
 *
 * Options (`selectorOptions`): `mode` (`sample` default, or `greedy`), `chunks` (default: the run's).
 */
export const easyReferenceSelectorFactory: SelectorFactory = {
  name: 'easy-reference',
  summary: 'Joint sampling by low reference-model loss (what the curated model finds easy).',
  create(settings: SelectorSettings): Selector {
    return new JointScoreSelector('easy-reference', parseJointSelectorOptions(settings, 'easy-reference', 'easy-reference'));
  },
};
