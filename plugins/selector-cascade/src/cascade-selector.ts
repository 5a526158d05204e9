import type { Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { JointScoreSelector, parseJointSelectorOptions, type ScoreName } from '@sieve/selection';

/**
 * The cascade's defaults, chosen by the benchmark (see docs/performance.md): the score, and how
 * many candidates the prefilter keeps per example trained on. A count rather than a fraction of
 * N, so that the joint stage's k x k matrix costs the same at every filter ratio: 3.5 b is 70% of
 * the super-batch at the default f = 0.8, 35% at f = 0.9, and every candidate at f = 0.5.
 */
export const CASCADE_DEFAULTS = { score: 'easy-reference', keptPerTrainedExample: 3.5 } as const satisfies { score: ScoreName; keptPerTrainedExample: number };

/** The default prefilter for b of N: the fraction 3.5 b / N of the super-batch, at most all of it. */
export function defaultCascadePrefilter(batchSize: number, superBatchSize: number): number {
  return Math.min(1, (CASCADE_DEFAULTS.keptPerTrainedExample * batchSize) / superBatchSize);
}

/**
 * Sieve's default selector, a two-stage cascade built for energy:
 * 1. the frozen reference's cached positive-pair losses (computed once per run for the whole
 *    pool) keep the `prefilter` fraction of the super-batch with the lowest loss, at O(N) a step
 *    (by default 3.5 b candidates, all of them when N is smaller);
 * 2. the batch is drawn jointly, in chunks, from what is left, by the `score` of the kept
 *    candidates only (their k x k matrix, k = prefilter x N).
 *
 * With the default score, `easy-reference`, no step runs the learner: on fashion-captions the
 * learner's scoring did not earn its cost (docs/performance.md). `score: learnability` turns it
 * into JEST on the prefiltered candidates; `learnerSteps` then limits the learner's scoring to
 * the first steps.
 *
 * Options (`selectorOptions`): `prefilter` (default 3.5 b / N, at most 1: 0.7 at f = 0.8), `score` (default `easy-reference`),
 * `mode`, `chunks`, and with a learner score `resolution` and `learnerSteps`.
 */
export const cascadeSelectorFactory: SelectorFactory = {
  name: 'cascade',
  summary: `Default: the reference keeps the ${CASCADE_DEFAULTS.keptPerTrainedExample} b likeliest candidates of the super-batch (70% at f = 0.8), then joint sampling from them.`,
  create(settings: SelectorSettings): Selector {
    const prefilter = defaultCascadePrefilter(settings.batchSize, settings.superBatchSize);
    return new JointScoreSelector('cascade', parseJointSelectorOptions(settings, 'cascade', undefined, { score: CASCADE_DEFAULTS.score, prefilter }));
  },
};
