import { z } from 'zod';
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
export const RESOLUTIONS = ['fine', 'coarse'] as const satisfies readonly Resolution[];

/** What is wrong with a value that is none of `choices`. */
function unknownChoice(value: unknown, choices: readonly string[], fallback: string): string {
  return `unknown value ${JSON.stringify(value)}. Valid values: ${choices.join(', ')} (default ${fallback}).`;
}

/**
 * An option that is one of `choices`, `fallback` when unset; anything else is refused listing them.
 * @example mode: choiceOption(JOINT_MODES, 'sample') // 'sample' unless the user chose 'greedy'
 */
export function choiceOption<const Choices extends readonly [string, ...string[]]>(choices: Choices, fallback: Choices[number]) {
  return z.enum(choices, { error: (issue) => unknownChoice(issue.input, choices, fallback) }).default(fallback as never);
}

/**
 * A number option that passes `valid`; anything else is refused as `problem`, with the value given.
 * @example threshold: numberOption('must be a cosine similarity in (0, 1]', (t) => t > 0 && t <= 1).default(0.997)
 */
export function numberOption(problem: string, valid: (value: number) => boolean = () => true) {
  const error = (issue: { input?: unknown }) => `${problem}, got ${JSON.stringify(issue.input)}.`;
  return z.number({ error }).refine(valid, { error });
}

/** `chunks`, n for the joint sampler: a positive whole number; unset, the run's (see `chunksOf`). */
export function chunksOption() {
  return numberOption('must be a positive whole number that divides the batch size', (n) => Number.isInteger(n) && n > 0).optional();
}

/** n: the `chunks` option when given, else the run's; refused unless it divides b, naming where it came from. */
export function chunksOf(given: number | undefined, settings: { batchSize: number; chunks: number }): number {
  const chunks = given ?? settings.chunks;
  checkChunks(settings.batchSize, chunks, given === undefined ? '--chunks' : 'selectorOptions.chunks');
  return chunks;
}

/** The value of a named choice, `fallback` when unset; a UserInputError naming `field` and listing the valid names otherwise. */
export function parseChoice<T extends string>(field: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UserInputError(field, unknownChoice(value, choices, fallback));
}

/** `mode` of the joint sampler, `fallback` when unset; anything else is a `UserInputError` naming `selectorOptions.mode`. */
export function parseJointMode(value: unknown, fallback: JointMode = 'sample'): JointMode {
  return parseChoice('selectorOptions.mode', value, JOINT_MODES, fallback);
}

/** A score's name, `fallback` when unset; anything else is a `UserInputError` naming `selectorOptions.score`. */
export function parseScoreName(value: unknown, fallback: ScoreName = 'learnability'): ScoreName {
  return parseChoice('selectorOptions.score', value, SCORE_NAMES, fallback);
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
