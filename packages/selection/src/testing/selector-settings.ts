import { isUserInputError, type SelectorSettings } from '@sieve/core';

/**
 * Settings for a selector under test: contrastive, b = 8 of N = 40 in 4 chunks, seed 0,
 * with the selector's own `options` and any other field overridden.
 */
export function selectorSettings(options: Record<string, unknown> = {}, overrides: Partial<SelectorSettings> = {}): SelectorSettings {
  return { task: 'contrastive', batchSize: 8, superBatchSize: 40, chunks: 4, seed: 0, options, ...overrides };
}

/** The field a UserInputError names when `run` throws one; undefined when it does not throw. */
export function userErrorField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isUserInputError(error)) return error.field;
    throw error;
  }
  return undefined;
}
