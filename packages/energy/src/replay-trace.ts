import { UserInputError, type EnergySourceStatus } from '@sieve/core';
import { Meter } from './meter';
import { formatNumber } from './probe';
import { readReplayFile } from './replay-file';
import { ReplaySource } from './replay-source';

/** What `sieve energy --replay FILE` prints: what the meter makes of a recorded power trace. */
export interface ReplayReport {
  file: string;
  /** The source the joules came from, as the meter lists it. */
  source: Pick<EnergySourceStatus, 'name' | 'measured' | 'detail'>;
  samples: number;
  devices: string[];
  /** From the trace's first sample to its last. */
  seconds: number;
  joules: number;
  /** Joules over `seconds`. */
  meanWatts: number;
  joulesByDevice: Record<string, number>;
  /** Each device's joules over the whole trace's `seconds`. */
  meanWattsByDevice: Record<string, number>;
  /** The smallest share of `seconds` any device has samples around, in [0, 1]. */
  coverage: number;
}

/**
 * Reads the trace in `file` and runs the meter over it as one window, from its first sample to
 * its last, on a clock of its own (it takes no longer than reading the file). A bad file, or one
 * whose samples all fall at one time, throws a `UserInputError` for `--replay`.
 */
export async function replayTrace(file: string): Promise<ReplayReport> {
  const samples = readReplayFile(file);
  const seconds = Math.max(...samples.map((s) => s.seconds));
  if (seconds === 0) {
    throw new UserInputError(
      '--replay',
      `${file}: all ${samples.length} samples are at one time, so there is no span to integrate; record at least two samples of a device at different times.`,
    );
  }
  let now = 0;
  // The interval only paces the meter's timer, which this window never waits for.
  const meter = new Meter([new ReplaySource(file, samples)], { sampleIntervalMs: 60_000, clock: () => now });
  await meter.start();
  meter.beginWindow('replay');
  now = seconds;
  const window = meter.endWindow('replay');
  await meter.stop();
  const [source] = meter.sources();
  return {
    file,
    source: { name: source.name, measured: source.measured, detail: source.detail },
    samples: samples.length,
    devices: Object.keys(window.joulesByDevice).sort(),
    seconds,
    joules: window.joules,
    meanWatts: window.joules / seconds,
    joulesByDevice: window.joulesByDevice,
    meanWattsByDevice: Object.fromEntries(Object.entries(window.joulesByDevice).map(([device, joules]) => [device, joules / seconds])),
    coverage: window.coverage,
  };
}

/** Human-readable text for a replay report. */
export function formatReplayReport(report: ReplayReport): string {
  const kind = report.source.measured ? 'measured' : 'not measured';
  const rows: [string, number, number][] = [
    ...report.devices.map((device): [string, number, number] => [device, report.meanWattsByDevice[device], report.joulesByDevice[device]]),
    ['total', report.meanWatts, report.joules],
  ];
  const width = Math.max(...rows.map(([name]) => name.length), 6);
  return [
    `Replayed ${report.file}: ${report.samples} samples over ${report.seconds.toFixed(3)} s (coverage ${(report.coverage * 100).toFixed(1)}%)`,
    `Source: ${report.source.name}, ${kind}: ${report.source.detail}`,
    '',
    `  ${'device'.padEnd(width)}  ${'mean W'.padStart(10)}  ${'joules'.padStart(12)}`,
    ...rows.map(([name, watts, joules]) => `  ${name.padEnd(width)}  ${formatNumber(watts).padStart(10)}  ${formatNumber(joules).padStart(12)}`),
  ].join('\n');
}
