import { UserInputError, type Resolution } from '@sieve/core';

/** How the joint sampler draws each chunk: softmax sampling, or the deterministic top scores. */
export const JOINT_MODES = ['sample', 'greedy'] as const;
/** `sample` or `greedy`. */
export type JointMode = (typeof JOINT_MODES)[number];

/** The scores a selector can rank candidates by. */
export const SCORE_NAMES = ['learnability', 'hard-learner', 'easy-reference'] as const;
/** `learnability`, `hard-learner` or `easy-reference` (see `scoreMatrix`). */
export type ScoreName = (typeof SCORE_NAMES)[number];

/** The image resolutions a learner scores and trains at. */
export const RESOLUTIONS: readonly Resolution[] = ['fine', 'coarse'];

/** The value of a named choice, `fallback` when unset; a UserInputError listing the valid names otherwise. */
export function parseChoice<T extends string>(field: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UserInputError(
    field,
    `unknown value ${JSON.stringify(value)}. Valid values: ${choices.join(', ')} (default ${fallback}).`,
  );
}

/**
 * `selectorOptions.mode`, or `fallback` when unset; anything else is a `UserInputError` naming the field.
 * @example const mode = parseJointMode(settings.options.mode); // 'sample' unless the user chose 'greedy'
 */
export function parseJointMode(value: unknown, fallback: JointMode = 'sample'): JointMode {
  return parseChoice('selectorOptions.mode', value, JOINT_MODES, fallback);
}

/**
 * `selectorOptions.score`, or `fallback` when unset; anything else is a `UserInputError` naming the field.
 * @example const score = parseScoreName(settings.options.score, 'easy-reference');
 */
export function parseScoreName(value: unknown, fallback: ScoreName = 'learnability'): ScoreName {
  return parseChoice('selectorOptions.score', value, SCORE_NAMES, fallback);
}

/**
 * `selectorOptions.resolution`, or `fallback` when unset; anything else is a `UserInputError` naming the field.
 * @example const resolution = parseResolution(settings.options.resolution); // 'fine' or 'coarse'
 */
export function parseResolution(value: unknown, fallback: Resolution = 'fine'): Resolution {
  return parseChoice('selectorOptions.resolution', value, RESOLUTIONS, fallback);
}

/** `selectorOptions.chunks` when given (a positive integer), else the run's `chunks`. */
export function parseChunks(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new UserInputError(
    'selectorOptions.chunks',
    `must be a positive whole number that divides the batch size, got ${JSON.stringify(value)}.`,
  );
}

/** Rejects option names a selector does not know, so that a typo is not silently ignored. */
export function rejectUnknownOptions(
  options: Record<string, unknown>,
  known: readonly string[],
  selectorName: string,
): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const valid = known.length > 0 ? `Valid options: ${known.join(', ')}.` : 'It takes no options.';
      throw new UserInputError(`selectorOptions.${key}`, `selector "${selectorName}" has no option "${key}". ${valid}`);
    }
  }
}

/** b must be a positive whole number no larger than the super-batch N. */
export function checkBatchFits(batchSize: number, superBatchSize: number): void {
  if (!Number.isInteger(superBatchSize) || superBatchSize < 1) {
    throw new UserInputError('--filter-ratio', `the super-batch must hold at least one candidate, got ${superBatchSize}.`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UserInputError('--train-batch-size', `must be a positive whole number, got ${batchSize}.`);
  }
  if (batchSize > superBatchSize) {
    throw new UserInputError(
      '--train-batch-size',
      `batch size ${batchSize} is larger than the super-batch of ${superBatchSize} candidates; ` +
        'lower --train-batch-size, or raise the super-batch (N = b / (1 - filter ratio)).',
    );
  }
}

/**
 * The joint sampler draws b in n chunks of b/n, so n must divide b.
 * @param field where n came from: `--chunks` (the run) or `selectorOptions.chunks`
 */
export function checkChunks(batchSize: number, chunks: number, field = '--chunks'): void {
  if (!Number.isInteger(chunks) || chunks < 1) {
    throw new UserInputError(field, `must be a positive whole number, got ${chunks}.`);
  }
  if (chunks > batchSize || batchSize % chunks !== 0) {
    throw new UserInputError(
      field,
      `the batch size ${batchSize} is not divisible by ${chunks} chunks. ` +
        `Use a chunk count that divides it (e.g. ${largestDivisorAtMost(batchSize, chunks)}) or change --train-batch-size.`,
    );
  }
}

function largestDivisorAtMost(value: number, limit: number): number {
  for (let d = Math.min(value, limit); d > 1; d--) if (value % d === 0) return d;
  return 1;
}
