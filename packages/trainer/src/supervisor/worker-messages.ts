import { RunFailure, UserInputError, isRunFailure, isUserInputError, type RunConfig, type RunEvent, type RunFailureInfo, type RunSummary } from '@sieve/core';
import type { LoopActivity } from '@sieve/engine';

/** What the supervisor hands the training thread. */
export interface WorkerInput {
  config: RunConfig;
  overwrite: boolean;
  resume: boolean;
}

/** How an error crosses from the training thread to the supervisor: classes do not survive `postMessage`. */
export type SerializedError =
  | { kind: 'user-input'; field: string; problem: string }
  | { kind: 'run-failure'; failure: RunFailureInfo }
  | { kind: 'unexpected'; text: string; code?: string; path?: string };

export type FromWorker =
  | { kind: 'line'; text: string }
  | { kind: 'event'; event: RunEvent }
  | { kind: 'activity'; activity: LoopActivity }
  | { kind: 'done'; summary: RunSummary }
  | { kind: 'error'; error: SerializedError };

export type ToWorker = { kind: 'stop' };

export function serializeError(error: unknown): SerializedError {
  if (isUserInputError(error)) return { kind: 'user-input', field: error.field, problem: error.problem };
  if (isRunFailure(error)) return { kind: 'run-failure', failure: error.failure };
  const errno = error as NodeJS.ErrnoException;
  return {
    kind: 'unexpected',
    text: error instanceof Error ? (error.stack ?? error.message) : String(error),
    ...(typeof errno?.code === 'string' ? { code: errno.code } : {}),
    ...(typeof errno?.path === 'string' ? { path: errno.path } : {}),
  };
}

/** The error as the command line expects it: a user's mistake, a failed run, or an unexpected error with its stack. */
export function deserializeError(error: SerializedError): Error {
  if (error.kind === 'user-input') return new UserInputError(error.field, error.problem);
  if (error.kind === 'run-failure') return new RunFailure(error.failure);
  const unexpected = new Error(error.text) as NodeJS.ErrnoException;
  unexpected.stack = error.text;
  if (error.code) unexpected.code = error.code;
  if (error.path) unexpected.path = error.path;
  return unexpected;
}
