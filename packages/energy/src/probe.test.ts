import { describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { formatProbeReport, probeAndSample, type ProbeReport } from './probe';

describe('probeAndSample', () => {
  it('reports every source and the energy of what it sampled', async () => {
    // Only the estimate source, so the test means the same on a machine with a GPU.
    const report = await probeAndSample(0.3, { sources: ['estimate'], wattsPerCore: 4, sampleIntervalMs: 50 });
    expect(report.chosen).toEqual(['estimate']);
    expect(report.measured).toBe(false);
    expect(report.seconds).toBeGreaterThanOrEqual(0.29);
    expect(Object.keys(report.joulesByDevice)).toEqual(['cpu']);
    expect(report.joulesByDevice.cpu).toBeGreaterThanOrEqual(0);
    expect(report.averageWattsByDevice.cpu).toBeCloseTo(report.joulesByDevice.cpu / report.seconds, 12);
    expect(report.coverage).toBe(1);
    expect(report.meterCpuSeconds).toBeGreaterThanOrEqual(0);
  });

  it('rejects a bad duration with the flag to fix', async () => {
    const error = await probeAndSample(-1).catch((e: unknown) => e);
    expect(isUserInputError(error) && error.field).toBe('--seconds');
  });
});

describe('formatProbeReport', () => {
  it('lists each source, used or why not, then watts and joules per device', () => {
    const report: ProbeReport = {
      sources: [
        { name: 'nvml', available: false, measured: true, devices: [], detail: 'could not load libnvidia-ml.so.1' },
        { name: 'nvidia-smi', available: true, measured: true, devices: ['gpu0', 'gpu1'], detail: '2 GPUs' },
        { name: 'estimate', available: false, measured: false, devices: ['cpu'], detail: 'works, standing by' },
      ],
      chosen: ['nvidia-smi'],
      seconds: 3,
      averageWattsByDevice: { gpu0: 75.5, gpu1: 0.25 },
      joulesByDevice: { gpu0: 226.5, gpu1: 0.75 },
      measured: true,
      coverage: 0.995,
      meterCpuSeconds: 0.0123,
      warnings: ['nvidia-smi: restarted once'],
    };
    expect(formatProbeReport(report)).toBe(
      [
        'Energy sources (best first):',
        '  nvml        not used         could not load libnvidia-ml.so.1',
        '  nvidia-smi  USED, measured   2 GPUs',
        '  estimate    not used         works, standing by',
        '',
        'Sampled 3.00 s (measured; coverage 99.5%):',
        '  device   average W        joules',
        '  gpu0        75.500         226.5',
        '  gpu1         0.250         0.750',
        '',
        'Meter overhead: 12.3 ms of CPU',
        'warning: nvidia-smi: restarted once',
      ].join('\n'),
    );
  });
});
