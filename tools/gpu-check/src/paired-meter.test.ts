import { describe, expect, it } from 'vitest';
import type { EnergyMeter, WindowMeasurement } from '@sieve/core';
import { PairedMeter, relativeDifference, sourceJoules } from './paired-meter';

/** A meter that logs every call and measures `watts` x (calls since the window opened) joules. */
function loggingMeter(label: string, log: string[], source: string, watts: number): EnergyMeter {
  const opened = new Map<string, number>();
  let calls = 0;
  return {
    start: async () => void log.push(`${label} start`),
    sources: () => [{ name: source, available: true, measured: true, devices: ['gpu0'], detail: '' }],
    beginWindow(name) {
      log.push(`${label} begin ${name}`);
      opened.set(name, ++calls);
    },
    endWindow(name): WindowMeasurement {
      log.push(`${label} end ${name}`);
      const joules = watts * (++calls - opened.get(name)!);
      return { name, seconds: 1, joules, joulesByDevice: { gpu0: joules }, joulesBySource: { [source]: joules }, measured: true, coverage: 1 };
    },
    totalJoulesByDevice: () => ({ gpu0: watts }),
    powerWatts: () => watts,
    onWarning: () => {},
    stop: async () => void log.push(`${label} stop`),
  };
}

describe('PairedMeter', () => {
  it('opens and closes every window on both meters at once, returns the first one’s figures and keeps both', async () => {
    const log: string[] = [];
    const paired = new PairedMeter(loggingMeter('nvml', log, 'nvml', 100), loggingMeter('smi', log, 'nvidia-smi', 98));
    await paired.start();
    paired.beginWindow('run');
    paired.beginWindow('step');
    const step = paired.endWindow('step');
    const run = paired.endWindow('run');
    await paired.stop();
    expect(log).toEqual([
      'nvml start',
      'smi start',
      'nvml begin run',
      'smi begin run',
      'nvml begin step',
      'smi begin step',
      'nvml end step',
      'smi end step',
      'nvml end run',
      'smi end run',
      'nvml stop',
      'smi stop',
    ]);
    // Each meter counts calls: the step window spans 1 call, the run window 3.
    expect([step.joules, run.joules]).toEqual([100, 300]);
    const [pair] = paired.windows('run');
    expect(sourceJoules(pair.primary, 'nvml')).toBe(300);
    expect(sourceJoules(pair.secondary, 'nvidia-smi')).toBe(294);
    expect(paired.windows('step')).toHaveLength(1);
    expect(paired.sources().map((s) => s.name)).toEqual(['nvml', 'nvidia-smi']);
  });
});

describe('relativeDifference', () => {
  it('is |a - b| over their mean, and null when a figure is missing or both are zero', () => {
    expect(relativeDifference(300, 294)).toBeCloseTo(6 / 297, 12);
    expect(relativeDifference(294, 300)).toBeCloseTo(6 / 297, 12);
    expect(relativeDifference(100, 100)).toBe(0);
    expect(relativeDifference(null, 5)).toBeNull();
    expect(relativeDifference(0, 0)).toBeNull();
    expect(relativeDifference(Number.NaN, 1)).toBeNull();
  });
});

describe('sourceJoules', () => {
  it('reads one source’s joules and is null for a source that did not contribute', () => {
    const window: WindowMeasurement = { name: 'w', seconds: 2, joules: 7, joulesByDevice: { gpu0: 5, cpu: 2 }, joulesBySource: { nvml: 5, estimate: 2 }, measured: false, coverage: 1 };
    expect(sourceJoules(window, 'nvml')).toBe(5);
    expect(sourceJoules(window, 'nvidia-smi')).toBeNull();
  });
});
