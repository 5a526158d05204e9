import { RunFailure } from '@sieve/core';

/** Why a run that produced a non-finite value stopped, and the usual cure. */
export const NON_FINITE_HINT = 'a learning rate too high is the usual cause: lower optimizer.learningRate and start the run again';

/**
 * Watches the training loss: a non-finite loss, or one above `divergenceFactor` times the first
 * step's, stops the run at that step. The first loss is kept in the checkpoint, so a resumed run
 * judges divergence against the same value.
 */
export class LossGuard {
  constructor(
    private readonly divergenceFactor: number,
    private firstLoss: number | null,
    private readonly learningRate: number,
  ) {}

  /** The first step's loss, once seen. */
  get first(): number | null {
    return this.firstLoss;
  }

  check(step: number, loss: number): void {
    if (!Number.isFinite(loss)) {
      throw new RunFailure({ step, phase: 'training', message: `the training loss is ${loss} (learning rate ${this.learningRate}); ${NON_FINITE_HINT}.` });
    }
    if (this.firstLoss === null) {
      this.firstLoss = loss;
      return;
    }
    if (this.firstLoss > 0 && loss > this.divergenceFactor * this.firstLoss) {
      throw new RunFailure({
        step,
        phase: 'training',
        message:
          `the training diverged: loss ${loss.toPrecision(4)} is over ${this.divergenceFactor}x the first step's (${this.firstLoss.toPrecision(4)}) ` +
          `(learning rate ${this.learningRate}); lower optimizer.learningRate, or raise guards.divergenceFactor if this is expected.`,
      });
    }
  }
}

/** The position of the first non-finite value, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/**
 * Stops the run when `values` (a loss matrix or a model's weights, named by `what`) holds a NaN or
 * an infinity, naming the first entry, so that no selector ranks NaN and no run trains on.
 */
export function checkFinite(values: ArrayLike<number>, what: string, step: number, phase: string): void {
  const at = firstNonFinite(values);
  if (at < 0) return;
  throw new RunFailure({ step, phase, message: `${what} holds ${values[at]} at entry ${at}; ${NON_FINITE_HINT}.` });
}
