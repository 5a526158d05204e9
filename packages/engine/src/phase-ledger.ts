import { performance } from 'node:perf_hooks';
import { PHASES, perPhase, type EnergyMeter, type Phase, type PerPhase, type WindowMeasurement } from '@sieve/core';

export interface LedgerState {
  flops: PerPhase<number>;
  seconds: PerPhase<number>;
  joules: PerPhase<number>;
  joulesByDevice: Record<string, number>;
  measuredEverywhere: boolean;
  coverageWeighted: number;
  coveredSeconds: number;
}

/**
 * Accounts FLOPs, wall seconds and (when a meter runs) joules per phase. The engine wraps
 * each phase's work in `measure`, which also opens and closes the meter's window for it. Work of
 * one phase that overlaps (a selector awaiting two losses together) shares one window, open from
 * the first start to the last end, so no second is counted twice and no joule is lost.
 */
export class PhaseLedger {
  readonly flops: PerPhase<number> = perPhase(() => 0);
  readonly seconds: PerPhase<number> = perPhase(() => 0);
  readonly joules: PerPhase<number> = perPhase(() => 0);
  readonly joulesByDevice: Record<string, number> = {};
  private measuredEverywhere = true;
  private coverageWeighted = 0;
  private coveredSeconds = 0;
  /** Per phase: how many pieces of work are inside its open window, and when it opened. */
  private readonly open: PerPhase<{ depth: number; startMs: number }> = perPhase(() => ({ depth: 0, startMs: 0 }));

  constructor(private readonly meter: EnergyMeter | null) {}

  addFlops(phase: Phase, flops: number): void {
    this.flops[phase] += flops;
  }

  measure<T>(phase: Phase, work: () => T): T {
    this.enter(phase);
    try {
      return work();
    } finally {
      this.leave(phase);
    }
  }

  async measureAsync<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
    this.enter(phase);
    try {
      return await work();
    } finally {
      this.leave(phase);
    }
  }

  private enter(phase: Phase): void {
    const window = this.open[phase];
    if (window.depth++ > 0) return;
    this.meter?.beginWindow(phase);
    window.startMs = performance.now();
  }

  private leave(phase: Phase): void {
    const window = this.open[phase];
    if (--window.depth > 0) return;
    this.seconds[phase] += (performance.now() - window.startMs) / 1000;
    if (this.meter) this.record(phase, this.meter.endWindow(phase));
  }

  get hasEnergy(): boolean {
    return this.meter !== null;
  }

  get allMeasured(): boolean {
    return this.measuredEverywhere;
  }

  /** Seconds-weighted coverage of every closed window, in [0, 1]. */
  get coverage(): number {
    return this.coveredSeconds > 0 ? this.coverageWeighted / this.coveredSeconds : 1;
  }

  totalFlops(): number {
    return PHASES.reduce((sum, phase) => sum + this.flops[phase], 0);
  }

  totalJoules(): number {
    return PHASES.reduce((sum, phase) => sum + this.joules[phase], 0);
  }

  /** Everything accounted so far, to be restored into a fresh ledger when a run resumes. */
  save(): LedgerState {
    return {
      flops: { ...this.flops },
      seconds: { ...this.seconds },
      joules: { ...this.joules },
      joulesByDevice: { ...this.joulesByDevice },
      measuredEverywhere: this.measuredEverywhere,
      coverageWeighted: this.coverageWeighted,
      coveredSeconds: this.coveredSeconds,
    };
  }

  restore(state: LedgerState): void {
    Object.assign(this.flops, state.flops);
    Object.assign(this.seconds, state.seconds);
    Object.assign(this.joules, state.joules);
    Object.assign(this.joulesByDevice, state.joulesByDevice);
    this.measuredEverywhere = state.measuredEverywhere;
    this.coverageWeighted = state.coverageWeighted;
    this.coveredSeconds = state.coveredSeconds;
  }

  private record(phase: Phase, window: WindowMeasurement): void {
    this.joules[phase] += window.joules;
    for (const [device, joules] of Object.entries(window.joulesByDevice)) {
      this.joulesByDevice[device] = (this.joulesByDevice[device] ?? 0) + joules;
    }
    if (!window.measured) this.measuredEverywhere = false;
    this.coverageWeighted += window.coverage * window.seconds;
    this.coveredSeconds += window.seconds;
  }
}
