import { UserInputError, type Resolution, type SelectorSettings } from '@sieve/core';
import { modelsForScore } from './score-matrix';
import {
  checkBatchFits,
  checkChunks,
  parseChunks,
  parseJointMode,
  parseResolution,
  parseScoreName,
  rejectUnknownOptions,
  type JointMode,
  type ScoreName,
} from './validation';

/** The settings of a selector built on the joint sampler. */
export interface JointSelectorOptions {
  mode: JointMode;
  score: ScoreName;
  /** n, from `selectorOptions.chunks` or else the run's `chunks`. */
  chunks: number;
  /** The learner's scoring resolution. */
  resolution: Resolution;
  /**
   * The fraction of the super-batch a cascade's first stage keeps by the reference's cached
   * per-example loss before the score is computed (1: no prefilter, every candidate is scored).
   */
  prefilter: number;
  /** The learner scores only the first this many steps, then the score is `easy-reference`; null: every step. */
  learnerSteps: number | null;
}

/**
 * Reads and checks `settings.options` for a joint-sampling selector: `mode` (default `sample`),
 * `score` (default `learnability`; not an option when `fixedScore` is given), `chunks`, and
 * `resolution` (only when the score uses the learner). Throws UserInputError naming the field.
 */
export function parseJointSelectorOptions(
  settings: SelectorSettings,
  selectorName: string,
  fixedScore?: ScoreName,
  /** A selector's own defaults for the score and the prefilter (else learnability and 1). */
  defaults: { score?: ScoreName; prefilter?: number } = {},
): JointSelectorOptions {
  const { options } = settings;
  const known = ['mode', 'chunks', 'prefilter'];
  if (!fixedScore) known.push('score');
  const score = fixedScore ?? parseScoreName(options.score, defaults.score);
  if (modelsForScore(score).learner) known.push('resolution', 'learnerSteps');
  else {
    // Options of the learner's scoring, given with a score that never runs the learner: say which score they need.
    const learnerOnly = ['resolution', 'learnerSteps'].find((key) => options[key] !== undefined);
    if (learnerOnly) {
      throw new UserInputError(
        `selectorOptions.${learnerOnly}`,
        `selector "${selectorName}" scores with "${score}", which never runs the learner, so "${learnerOnly}" does nothing; add --selector-option score=learnability (or another learner score) to use it.`,
      );
    }
  }
  rejectUnknownOptions(options, known, selectorName);

  const chunks = parseChunks(options.chunks, settings.chunks);
  checkBatchFits(settings.batchSize, settings.superBatchSize);
  checkChunks(settings.batchSize, chunks, options.chunks === undefined ? '--chunks' : 'selectorOptions.chunks');
  return {
    mode: parseJointMode(options.mode),
    score,
    chunks,
    resolution: parseResolution(options.resolution),
    prefilter: parsePrefilter(options.prefilter, settings.batchSize / settings.superBatchSize, defaults.prefilter),
    learnerSteps: parseLearnerSteps(options.learnerSteps),
  };
}

/**
 * `selectorOptions.prefilter`: the fraction of the super-batch kept for scoring, in [b/N, 1]
 * (default 1, no prefilter). Below b/N the cascade could not fill a batch.
 */
export function parsePrefilter(value: unknown, smallest: number, fallback = 1): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value <= 1 && value >= smallest - 1e-9) return value;
  throw new UserInputError(
    'selectorOptions.prefilter',
    `must be the fraction of the super-batch kept by the reference's loss before scoring, a number from b/N = ${smallest.toFixed(3)} to 1 (1: no prefilter), got ${JSON.stringify(value)}.`,
  );
}

/** `selectorOptions.learnerSteps`: a whole number of steps (0 or more), or unset for every step. */
export function parseLearnerSteps(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new UserInputError(
    'selectorOptions.learnerSteps',
    `must be the number of steps the learner scores for before the selection falls back to the reference's score (0 or more; unset: every step), got ${JSON.stringify(value)}.`,
  );
}
