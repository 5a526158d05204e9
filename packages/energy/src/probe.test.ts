import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { removeTempDirs } from '@sieve/core/testing';
import { installFakeNvidiaSmi } from '../test-support/fake-nvidia-smi';
import { formatProbeReport, probeAndSample, type ProbeReport } from './probe';

afterAll(removeTempDirs);

// A fake nvidia-smi, given by path so the test means the same on a machine with a GPU: two GPUs
// drawing a constant 120 W and 40 W.
const fake = installFakeNvidiaSmi();
const savedGpus = process.env.SIEVE_FAKE_GPUS;
beforeAll(() => {
  process.env.SIEVE_FAKE_GPUS = JSON.stringify([
    { name: 'Fake GPU', corners: [[0, 120]] },
    { name: 'Fake GPU', corners: [[0, 40]] },
  ]);
});
afterAll(() => {
  if (savedGpus === undefined) delete process.env.SIEVE_FAKE_GPUS;
  else process.env.SIEVE_FAKE_GPUS = savedGpus;
});

describe('probeAndSample', () => {
  it('reports every source and the energy of what it sampled (two GPUs at a constant 120 W and 40 W)', async () => {
    const report = await probeAndSample(0.5, { sources: ['nvidia-smi'], nvidiaSmiPath: join(fake.binDir, 'nvidia-smi'), sampleIntervalMs: 50 });
    expect(report.sources).toEqual([
      {
        name: 'nvidia-smi',
        available: true,
        measured: true,
        devices: ['gpu0', 'gpu1'],
        detail: '2 GPUs (2 x Fake GPU): power.draw.instant every 50 ms from one nvidia-smi process, integrated by trapezoid',
      },
    ]);
    expect(report.chosen).toEqual(['nvidia-smi']);
    expect(report.measured).toBe(true);
    expect(report.warnings).toEqual([]);
    // The half second asked for (Node's timers may fire a millisecond early), not late by a second.
    expect(report.seconds).toBeGreaterThan(0.498);
    expect(report.seconds).toBeLessThan(1.5);
    // Samples every 50 ms vouch for half a second each: the whole window is covered, unless the
    // machine stalled the sampler for that long, which the coverage would then say.
    expect(report.coverage).toBeGreaterThan(0.9);
    expect(report.coverage).toBeLessThanOrEqual(1);
    // Constant power: joules = watts x covered seconds, so the average is the power times the coverage.
    expect(Object.keys(report.joulesByDevice).sort()).toEqual(['gpu0', 'gpu1']);
    expect(report.averageWattsByDevice.gpu0).toBeCloseTo(120 * report.coverage, 6);
    expect(report.averageWattsByDevice.gpu1).toBeCloseTo(40 * report.coverage, 6);
    expect(report.joulesByDevice.gpu0).toBeCloseTo(120 * report.coverage * report.seconds, 6);
    expect(report.joulesByDevice.gpu1).toBeCloseTo(40 * report.coverage * report.seconds, 6);
    // The meter's own code ran (start, the window, the samples): some CPU time, far less than the window.
    expect(report.meterCpuSeconds).toBeGreaterThan(0);
    expect(report.meterCpuSeconds).toBeLessThan(report.seconds);
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
