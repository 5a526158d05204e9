import { performance } from 'node:perf_hooks';
import { Rng } from '@sieve/core';
import { loadThreadCpuClock } from './thread-cpu-clock';

/** One section in this many is timed with the thread's CPU clock. */
const SAMPLE_ONE_IN = 8;
/** Below this many timed sections, the estimate is too rough: report wall time instead. */
const MIN_SAMPLES = 10;

/**
 * CPU time the meter's own code spends on the main thread, for the overhead figure.
 *
 * Every section is timed by the wall clock, which is cheap but also counts time the thread
 * waited for a CPU (on a busy machine, a system call inside a section is where the thread
 * is often switched out, and the wall clock then counts the other process's turn). So a
 * random one section in eight is also timed by the thread's CPU clock, and the CPU time is
 * estimated as (mean CPU time of the timed sections) x (number of sections): unbiased, and
 * costing one pair of clock reads per eight sections. Without a thread CPU clock, or before
 * enough sections were timed, wall time is reported (it errs high).
 */
export class OverheadClock {
  private wallMilliseconds = 0;
  private sections = 0;
  private sampledSections = 0;
  private sampledCpuSeconds = 0;
  private depth = 0;
  private sectionWallStart = 0;
  private sectionCpuStart: number | null = null;
  private readonly rng = new Rng(0x5e7e);

  constructor(private readonly threadCpuSeconds: (() => number) | null = sharedThreadCpuClock()) {}

  /** Runs `work` as one section. */
  time<T>(work: () => T): T {
    this.start();
    try {
      return work();
    } finally {
      this.stop();
    }
  }

  /** For hot paths, without a closure: `clock.start(); ...; clock.stop();`. Returns performance.now(). */
  start(): number {
    const now = performance.now();
    if (this.depth++ > 0) return now; // a nested section belongs to the outer one
    this.sections++;
    this.sectionWallStart = now;
    this.sectionCpuStart = this.threadCpuSeconds !== null && this.rng.nextFloat() * SAMPLE_ONE_IN < 1 ? this.threadCpuSeconds() : null;
    return now;
  }

  stop(): void {
    if (--this.depth > 0) return;
    if (this.sectionCpuStart !== null && this.threadCpuSeconds !== null) {
      this.sampledCpuSeconds += this.threadCpuSeconds() - this.sectionCpuStart;
      this.sampledSections++;
    }
    this.wallMilliseconds += performance.now() - this.sectionWallStart;
  }

  /** The best estimate of CPU seconds spent in sections. */
  get seconds(): number {
    if (this.sampledSections < MIN_SAMPLES) return this.wallSeconds;
    return (this.sampledCpuSeconds / this.sampledSections) * this.sections;
  }

  /** Wall seconds spent in sections (an upper bound of their CPU time on one thread). */
  get wallSeconds(): number {
    return this.wallMilliseconds / 1000;
  }

  get sectionCount(): number {
    return this.sections;
  }
}

let shared: (() => number) | null | undefined;

function sharedThreadCpuClock(): (() => number) | null {
  if (shared === undefined) shared = loadThreadCpuClock();
  return shared;
}
