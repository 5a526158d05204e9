import type { EnergyMeter, EnergySourceStatus, WindowMeasurement } from '@sieve/core';

/** One window as both meters measured it. */
export interface PairedWindow {
  primary: WindowMeasurement;
  secondary: WindowMeasurement;
}

/**
 * The run's meter (`primary`, whose figures the run records) with a second meter that opens and
 * closes every window at the same moments, so that two ways of measuring the same GPU can be
 * compared over identical windows. The second meter's windows are kept for `windows(name)`.
 */
export class PairedMeter implements EnergyMeter {
  private readonly closed: PairedWindow[] = [];

  constructor(
    readonly primary: EnergyMeter,
    readonly secondary: EnergyMeter,
  ) {}

  async start(): Promise<void> {
    await Promise.all([this.primary.start(), this.secondary.start()]);
  }

  sources(): EnergySourceStatus[] {
    return [...this.primary.sources(), ...this.secondary.sources()];
  }

  beginWindow(name: string): void {
    this.primary.beginWindow(name);
    this.secondary.beginWindow(name);
  }

  endWindow(name: string): WindowMeasurement {
    const primary = this.primary.endWindow(name);
    const secondary = this.secondary.endWindow(name);
    this.closed.push({ primary, secondary });
    return primary;
  }

  /** Every closed window of that name, oldest first. */
  windows(name: string): PairedWindow[] {
    return this.closed.filter((window) => window.primary.name === name);
  }

  totalJoulesByDevice(): Record<string, number> {
    return this.primary.totalJoulesByDevice();
  }

  powerWatts(): number | null {
    return this.primary.powerWatts();
  }

  onWarning(listener: (message: string) => void): void {
    this.primary.onWarning(listener);
    this.secondary.onWarning((message) => listener(`second meter: ${message}`));
  }

  async stop(): Promise<void> {
    await Promise.all([this.primary.stop(), this.secondary.stop()]);
  }

  meterCpuSeconds(): number {
    return (this.primary.meterCpuSeconds?.() ?? 0) + (this.secondary.meterCpuSeconds?.() ?? 0);
  }
}

/** |a - b| / mean(a, b); null when either is missing or both are zero. */
export function relativeDifference(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  const mean = (a + b) / 2;
  return mean > 0 ? Math.abs(a - b) / mean : null;
}

/** What one source measured in a window (`nvml`, `nvidia-smi`), or null when it did not contribute. */
export function sourceJoules(window: WindowMeasurement, source: string): number | null {
  const joules = window.joulesBySource[source];
  return joules === undefined || !Number.isFinite(joules) ? null : joules;
}
