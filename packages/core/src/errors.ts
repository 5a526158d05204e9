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
