import { performance } from 'node:perf_hooks';

/**
 * Time the meter's own code spends on the main thread, for the overhead figure.
 * Measured by the monotonic clock around each synchronous section: Node 20 has no
 * per-thread CPU clock, and the process-wide one would also count the training's threads.
 * A section preempted by the OS counts its waiting time too, so this errs on the high side.
 */
export class OverheadClock {
  private milliseconds = 0;

  /** Runs `work` and adds its duration. */
  time<T>(work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.milliseconds += performance.now() - start;
    }
  }

  get seconds(): number {
    return this.milliseconds / 1000;
  }
}
