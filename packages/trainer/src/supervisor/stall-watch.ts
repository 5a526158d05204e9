import type { LoopActivity } from '@sieve/engine';

/** A step may take this many times the median step before it counts as stalled. */
export const STALL_STEP_FACTOR = 50;
const STEP_HISTORY = 101;

export interface Stall {
  activity: LoopActivity;
  seconds: number;
  limitSeconds: number;
}

/**
 * Tells a stalled training loop from a slow one. The loop reports each phase it enters; a phase
 * that lasts longer than `stallSeconds` and `STALL_STEP_FACTOR` times the median step is a stall.
 * The watch starts with the first step and pauses while the reference trains or embeds, which
 * is one long phase of Sieve's own.
 */
export class StallWatch {
  private current: LoopActivity | null = null;
  private enteredAtMs = 0;
  private pausedPhases = 0;
  private lastStepAtMs: number | null = null;
  private readonly stepSeconds: number[] = [];

  constructor(private readonly stallSeconds: number) {}

  enter(activity: LoopActivity, nowMs: number): void {
    this.current = activity;
    this.enteredAtMs = nowMs;
  }

  /** Any other sign of life (an event, a line) restarts the clock of the current phase. */
  alive(nowMs: number): void {
    this.enteredAtMs = nowMs;
  }

  stepDone(nowMs: number): void {
    if (this.lastStepAtMs !== null && this.pausedPhases === 0) {
      this.stepSeconds.push((nowMs - this.lastStepAtMs) / 1000);
      if (this.stepSeconds.length > STEP_HISTORY) this.stepSeconds.shift();
    }
    this.lastStepAtMs = nowMs;
    this.enteredAtMs = nowMs;
  }

  pause(): void {
    this.pausedPhases++;
  }

  resume(nowMs: number): void {
    this.pausedPhases = Math.max(0, this.pausedPhases - 1);
    this.enteredAtMs = nowMs;
    // The step that held the reference phase is no measure of a step.
    this.lastStepAtMs = null;
  }

  medianStepSeconds(): number | null {
    if (this.stepSeconds.length === 0) return null;
    const sorted = [...this.stepSeconds].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  limitSeconds(): number {
    return Math.max(this.stallSeconds, STALL_STEP_FACTOR * (this.medianStepSeconds() ?? 0));
  }

  check(nowMs: number): Stall | null {
    if (!this.current || this.pausedPhases > 0) return null;
    const seconds = (nowMs - this.enteredAtMs) / 1000;
    const limitSeconds = this.limitSeconds();
    return seconds > limitSeconds ? { activity: this.current, seconds, limitSeconds } : null;
  }
}
