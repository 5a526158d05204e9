import type { Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { JointScoreSelector, parseJointSelectorOptions, type ScoreName } from '@sieve/selection';

/** The cascade's defaults, chosen by the benchmark (see docs/performance.md#the-cascade). */
export const CASCADE_DEFAULTS = { score: 'easy-reference', prefilter: 0.7 } as const satisfies { score: ScoreName; prefilter: number };

/**
 * Sieve's default selector, a two-stage cascade built for energy:
 * 1. the frozen reference's cached positive-pair losses (computed once per run for the whole
 *    pool) keep the `prefilter` fraction of the super-batch with the lowest loss, at O(N) a step;
 * 2. the batch is drawn jointly, in chunks, from what is left, by the `score` of the kept
 *    candidates only (their k x k matrix, k = prefilter x N).
 *
 * With the default score, `easy-reference`, no step runs the learner: on fashion-captions the
 * learner's scoring did not earn its cost (docs/performance.md#the-cascade). `score: learnability` turns it
 * into JEST on the prefiltered candidates; `learnerSteps` then limits the learner's scoring to
 * the first steps.
 *
 * Options (`selectorOptions`): `prefilter` (default 0.7), `score` (default `easy-reference`),
 * `mode`, `chunks`, and with a learner score `resolution` and `learnerSteps`.
 */
export const cascadeSelectorFactory: SelectorFactory = {
  name: 'cascade',
  summary: `Default: the reference keeps the likeliest ${Math.round(CASCADE_DEFAULTS.prefilter * 100)}% of the super-batch, then joint sampling from them.`,
  create(settings: SelectorSettings): Selector {
    return new JointScoreSelector('cascade', parseJointSelectorOptions(settings, 'cascade', undefined, CASCADE_DEFAULTS));
  },
};
