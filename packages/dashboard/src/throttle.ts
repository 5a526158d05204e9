/** The timer functions a throttle needs; tests pass a hand-driven clock. */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttle {
  /** Asks for a run; it happens on a later timer tick, at most once per interval. */
  request(): void;
  /** Runs now if a run is pending. */
  flush(): void;
  cancel(): void;
}

/**
 * Trailing-edge throttle: any number of requests within an interval cause one run.
 * Runs always happen from a timer, never inside `request`, so an event emitted in the
 * middle of a training step is drawn only once the loop yields.
 */
export function createThrottle(run: () => void, intervalMs: number, timers: Timers = realTimers): Throttle {
  let lastRunMs = Number.NEGATIVE_INFINITY;
  let pending: unknown = null;
  const fire = (): void => {
    pending = null;
    lastRunMs = timers.now();
    run();
  };
  return {
    request() {
      if (pending !== null) return;
      const waitMs = Math.max(0, lastRunMs + intervalMs - timers.now());
      pending = timers.setTimeout(fire, waitMs);
    },
    flush() {
      if (pending === null) return;
      timers.clearTimeout(pending);
      fire();
    },
    cancel() {
      if (pending !== null) timers.clearTimeout(pending);
      pending = null;
    },
  };
}
