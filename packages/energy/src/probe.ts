import { setTimeout as sleep } from 'node:timers/promises';
import { UserInputError, type EnergySourceStatus } from '@sieve/core';
import { createEnergyMeter } from './create-energy-meter';
import type { MeterOptions } from './meter-options';

/** What `sieve energy` prints: every source (used or why not), then watts and joules per device. */
export interface ProbeReport {
  sources: EnergySourceStatus[];
  /** Sources that delivered the joules below. */
  chosen: string[];
  seconds: number;
  averageWattsByDevice: Record<string, number>;
  joulesByDevice: Record<string, number>;
  /** True only if every chosen source read a sensor. */
  measured: boolean;
  /** Fraction of the sampled time covered by samples, in [0, 1]. */
  coverage: number;
  /** CPU seconds the meter itself spent (main-thread code plus helper processes). */
  meterCpuSeconds: number;
  warnings: string[];
}

/** Starts a meter, samples for `seconds`, and reports. Bad arguments throw `UserInputError`. */
export async function probeAndSample(seconds: number, options: MeterOptions = {}): Promise<ProbeReport> {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UserInputError('--seconds', `must be a number of seconds above 0 and at most 3600, got ${String(seconds)}`);
  }
  const meter = createEnergyMeter(options);
  await meter.start();
  meter.beginWindow('probe');
  await sleep(seconds * 1000);
  const window = meter.endWindow('probe');
  await meter.stop();
  const averageWattsByDevice = Object.fromEntries(
    Object.entries(window.joulesByDevice).map(([device, joules]) => [device, window.seconds > 0 ? joules / window.seconds : 0]),
  );
  return {
    sources: meter.sources(),
    chosen: meter.sourcesInUse().map((s) => s.name),
    seconds: window.seconds,
    averageWattsByDevice,
    joulesByDevice: window.joulesByDevice,
    measured: window.measured,
    coverage: window.coverage,
    meterCpuSeconds: meter.meterCpuSeconds(),
    warnings: meter.warnings(),
  };
}

/** Human-readable text for a probe report. */
export function formatProbeReport(report: ProbeReport): string {
  const lines: string[] = ['Energy sources (best first):'];
  const nameWidth = Math.max(...report.sources.map((s) => s.name.length), 6);
  for (const source of report.sources) {
    const state = report.chosen.includes(source.name) ? (source.measured ? 'USED, measured ' : 'USED, estimated') : 'not used       ';
    lines.push(`  ${source.name.padEnd(nameWidth)}  ${state}  ${source.detail}`);
  }
  const kind = report.chosen.length === 0 ? 'nothing measured' : report.measured ? 'measured' : 'estimated, not measured';
  lines.push('', `Sampled ${report.seconds.toFixed(2)} s (${kind}; coverage ${(report.coverage * 100).toFixed(1)}%):`);
  const devices = Object.keys(report.joulesByDevice).sort();
  if (devices.length === 0) lines.push('  no device could be measured');
  const deviceWidth = Math.max(...devices.map((d) => d.length), 6);
  lines.push(`  ${'device'.padEnd(deviceWidth)}  ${'average W'.padStart(10)}  ${'joules'.padStart(12)}`);
  for (const device of devices) {
    lines.push(
      `  ${device.padEnd(deviceWidth)}  ${formatNumber(report.averageWattsByDevice[device]).padStart(10)}  ${formatNumber(report.joulesByDevice[device]).padStart(12)}`,
    );
  }
  lines.push('', `Meter overhead: ${(report.meterCpuSeconds * 1000).toFixed(1)} ms of CPU`);
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

/** A watt or joule figure with about four significant digits: 226.5, 75.500, 0.750. */
export function formatNumber(x: number): string {
  if (x === 0) return '0';
  return Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(3) : x.toPrecision(3);
}
