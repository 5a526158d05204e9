import type { Resolution, SelectorSettings } from '@sieve/core';
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
): JointSelectorOptions {
  const { options } = settings;
  const known = ['mode', 'chunks'];
  if (!fixedScore) known.push('score');
  const score = fixedScore ?? parseScoreName(options.score);
  if (modelsForScore(score).learner) known.push('resolution');
  rejectUnknownOptions(options, known, selectorName);

  const chunks = parseChunks(options.chunks, settings.chunks);
  checkBatchFits(settings.batchSize, settings.superBatchSize);
  checkChunks(settings.batchSize, chunks, options.chunks === undefined ? '--chunks' : 'selectorOptions.chunks');
  return {
    mode: parseJointMode(options.mode),
    score,
    chunks,
    resolution: parseResolution(options.resolution),
  };
}
