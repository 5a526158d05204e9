import type { Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { JointScoreSelector, parseJointSelectorOptions } from '@sieve/selection';

/**
 * JEST joint example selection (Evans et al. 2024): scores the super-batch with the learner
 * and the frozen reference, S = L_learner - L_reference, and draws the batch in chunks, each
 * chunk by its learnability given the chunks already drawn.
 *
 * Options (`selectorOptions`):
 * - `mode`: `sample` (default; softmax sampling) or `greedy` (top conditional scores)
 * - `score`: `learnability` (default), `hard-learner` or `easy-reference`
 * - `chunks`: n, the number of chunks (default: the run's `chunks`)
 * - `resolution`: the learner's scoring resolution, `fine` (default) or `coarse`
 */
export const jestSelectorFactory: SelectorFactory = {
  name: 'jest',
  summary: 'JEST: joint sampling of the batch by learnability (learner loss - reference loss).',
  create(settings: SelectorSettings): Selector {
    return new JointScoreSelector('jest', parseJointSelectorOptions(settings, 'jest'));
  },
};
