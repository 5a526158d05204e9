import type { Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { JointScoreSelector, parseJointSelectorOptions } from '@sieve/selection';

/**
 * "Hard learner" joint selection: S = L_learner, so the batch leans towards what the learner
 * finds hard (hard negatives in contrastive learning), noise included. Needs no reference model.
 *
 * Options (`selectorOptions`): `mode` (`sample` default, or `greedy`), `chunks` (default: the
 * run's), `resolution` (learner scoring resolution, `fine` default, or `coarse`).
 */
export const hardNegativeSelectorFactory: SelectorFactory = {
  name: 'hard-negative',
  summary: 'Joint sampling by the learner loss alone (hard examples, noise included).',
  create(settings: SelectorSettings): Selector {
    return new JointScoreSelector('hard-negative', parseJointSelectorOptions(settings, 'hard-negative', 'hard-learner'));
  },
};
