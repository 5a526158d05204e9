/**
 * A power trace of one device: samples (time in seconds, watts), integrated by trapezoid.
 *
 * Rules for the time between samples, so that a dead sampler is visible instead of guessed:
 * - two samples at most `maxGapSeconds` apart: power is linear between them (covered);
 * - a longer gap: the earlier sample's power is held for `holdSeconds`, the rest is
 *   uncovered and counts no joules;
 * - after the newest sample: its power is held for `holdSeconds` (the next sample has not
 *   arrived yet), then uncovered.
 * Cumulative joules and covered seconds are kept per sample, so a query is a binary search.
 */
export interface PowerTraceOptions {
  maxGapSeconds: number;
  holdSeconds: number;
}

export class PowerTrace {
  private readonly timesSeconds: number[] = [];
  private readonly watts: number[] = [];
  /** Joules from the first sample ever to sample i. */
  private readonly cumulativeJoules: number[] = [];
  /** Covered seconds from the first sample ever to sample i. */
  private readonly cumulativeCoveredSeconds: number[] = [];
  /** Samples before this index are forgotten. */
  private first = 0;

  constructor(readonly options: PowerTraceOptions) {}

  get sampleCount(): number {
    return this.timesSeconds.length - this.first;
  }

  get latestTimeSeconds(): number | null {
    return this.timesSeconds.length > this.first ? this.timesSeconds[this.timesSeconds.length - 1] : null;
  }

  /** Adds a sample; returns false (and ignores it) when it is not after the newest one or not a finite, non-negative power. */
  add(timeSeconds: number, watts: number): boolean {
    if (!Number.isFinite(timeSeconds) || !Number.isFinite(watts) || watts < 0) return false;
    const n = this.timesSeconds.length;
    if (n === 0) {
      this.push(timeSeconds, watts, 0, 0);
      return true;
    }
    const lastTime = this.timesSeconds[n - 1];
    if (timeSeconds <= lastTime) return false;
    const lastWatts = this.watts[n - 1];
    const gap = timeSeconds - lastTime;
    const bridged = gap <= this.options.maxGapSeconds;
    const joules = bridged ? (gap * (lastWatts + watts)) / 2 : this.options.holdSeconds * lastWatts;
    const covered = bridged ? gap : this.options.holdSeconds;
    this.push(timeSeconds, watts, this.cumulativeJoules[n - 1] + joules, this.cumulativeCoveredSeconds[n - 1] + covered);
    return true;
  }

  /** Joules from the first sample to `timeSeconds`. */
  joulesAt(timeSeconds: number): number {
    return this.integrate(timeSeconds, true);
  }

  /** Seconds with samples on both sides (or within the hold) from the first sample to `timeSeconds`. */
  coveredSecondsAt(timeSeconds: number): number {
    return this.integrate(timeSeconds, false);
  }

  /** Interpolated power at a time, or null where the trace does not cover it. */
  wattsAt(timeSeconds: number): number | null {
    const n = this.timesSeconds.length;
    if (n === this.first || timeSeconds < this.timesSeconds[this.first]) return null;
    const i = this.indexAtOrBefore(timeSeconds);
    const dt = timeSeconds - this.timesSeconds[i];
    if (i === n - 1) return dt <= this.options.holdSeconds ? this.watts[i] : null;
    const gap = this.timesSeconds[i + 1] - this.timesSeconds[i];
    if (gap > this.options.maxGapSeconds) return dt <= this.options.holdSeconds ? this.watts[i] : null;
    return this.watts[i] + ((this.watts[i + 1] - this.watts[i]) * dt) / gap;
  }

  /** Forgets samples older than `timeSeconds`, keeping the one at or before it, so later queries stay exact. */
  forgetBefore(timeSeconds: number): void {
    if (this.sampleCount < 2 || timeSeconds <= this.timesSeconds[this.first]) return;
    this.first = this.indexAtOrBefore(timeSeconds);
    // Compact now and then: amortised O(1) per sample.
    if (this.first >= 1024 && this.first * 2 >= this.timesSeconds.length) {
      for (const column of [this.timesSeconds, this.watts, this.cumulativeJoules, this.cumulativeCoveredSeconds]) {
        column.splice(0, this.first);
      }
      this.first = 0;
    }
  }

  private push(time: number, watts: number, joules: number, covered: number): void {
    this.timesSeconds.push(time);
    this.watts.push(watts);
    this.cumulativeJoules.push(joules);
    this.cumulativeCoveredSeconds.push(covered);
  }

  private integrate(timeSeconds: number, energy: boolean): number {
    const n = this.timesSeconds.length;
    if (n === this.first) return 0;
    const cumulative = energy ? this.cumulativeJoules : this.cumulativeCoveredSeconds;
    if (timeSeconds <= this.timesSeconds[this.first]) return cumulative[this.first];
    const i = this.indexAtOrBefore(timeSeconds);
    const dt = timeSeconds - this.timesSeconds[i];
    const held = Math.min(dt, this.options.holdSeconds);
    if (i === n - 1) return cumulative[i] + (energy ? held * this.watts[i] : held);
    const gap = this.timesSeconds[i + 1] - this.timesSeconds[i];
    if (gap > this.options.maxGapSeconds) return cumulative[i] + (energy ? held * this.watts[i] : held);
    if (!energy) return cumulative[i] + dt;
    const wattsAtTime = this.watts[i] + ((this.watts[i + 1] - this.watts[i]) * dt) / gap;
    return cumulative[i] + (dt * (this.watts[i] + wattsAtTime)) / 2;
  }

  /** Largest retained index whose time is <= t (t must be >= the first retained time). */
  private indexAtOrBefore(t: number): number {
    let lo = this.first;
    let hi = this.timesSeconds.length - 1;
    // Most queries are near the end: check it first.
    if (this.timesSeconds[hi] <= t) return hi;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.timesSeconds[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/**
 * Trace rules for a live sampler: a sample vouches for five sampling intervals (at least
 * half a second) — enough for a busy machine's jitter, short enough that a dead sampler
 * shows up as lost coverage within a second.
 */
export function liveTraceOptions(sampleIntervalMs: number): PowerTraceOptions {
  const seconds = Math.max((5 * sampleIntervalMs) / 1000, 0.5);
  return { maxGapSeconds: seconds, holdSeconds: seconds };
}
