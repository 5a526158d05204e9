/**
 * A mistake in what the user gave us (a flag, a config field, a data file).
 * The CLI prints `message` alone, without a stack trace, and exits with code 2.
 */
export class UserInputError extends Error {
  readonly exitCode = 2;

  /**
   * @param field what was wrong: a flag (`--filter-ratio`), a config path (`data.images`) or a file
   * @param problem what is wrong with it and how to fix it
   */
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'UserInputError';
  }
}

export function isUserInputError(error: unknown): error is UserInputError {
  return error instanceof Error && error.name === 'UserInputError' && 'field' in error;
}

/** Where and why a run stopped that could not go on: `summary.json`'s `failure`. */
export interface RunFailureInfo {
  /** The step the fault showed at; every point before it is kept. */
  step: number;
  /** `training`, `scoring`, `selection` or `checkpoint`. */
  phase: string;
  /** What went wrong and what to do about it, in one line. */
  message: string;
}

/**
 * A run that cannot go on, through no crash of Sieve's own: a non-finite or diverging loss, weight
 * or score, or a selector plugin that broke its contract. The loop writes the summary with status
 * `failed` and this failure, keeps every point and checkpoint written before, and the CLI prints
 * the message alone (no stack trace) and exits with code 1.
 */
export class RunFailure extends Error {
  readonly exitCode = 1;

  constructor(readonly failure: RunFailureInfo) {
    super(`step ${failure.step}, ${failure.phase}: ${failure.message}`);
    this.name = 'RunFailure';
  }
}

export function isRunFailure(error: unknown): error is RunFailure {
  return error instanceof Error && error.name === 'RunFailure' && 'failure' in error;
}
