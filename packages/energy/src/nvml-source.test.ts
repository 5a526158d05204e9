import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFakeNvml, whyNoCompiler, type FakeNvml } from '../test-support/fake-nvml';
import { createEnergyMeter } from './create-energy-meter';
import { NvmlSource } from './nvml-source';
import { UINT64_RANGE } from './wrapping-counter';
import { removeTempDirs } from '@sieve/core/testing';

afterAll(removeTempDirs);

describe('NvmlSource without NVML', () => {
  it('says which library it could not load and how to point at one', async () => {
    const probe = await new NvmlSource('/nonexistent/libnvidia-ml.so.1', 100).probe();
    expect(probe.available).toBe(false);
    expect(probe.detail).toMatch(/^could not load \/nonexistent\/libnvidia-ml\.so\.1 \(.+\): no NVIDIA driver here; install it, or set SIEVE_NVML_LIBRARY/);
  });
});

const noCompiler = whyNoCompiler();

describe.skipIf(noCompiler !== null)(`NvmlSource against a fake libnvidia-ml.so.1 built with cc${noCompiler ? ` (skipped: ${noCompiler})` : ''}`, () => {
  let fake: FakeNvml;

  beforeAll(() => {
    fake = buildFakeNvml();
  });

  beforeEach(() => {
    fake.setEnergySupported(true);
    fake.setFailing(false);
    for (const device of [0, 1]) {
      fake.setEnergyStepMillijoules(device, 0n);
      fake.setPowerMilliwatts(device, 0);
    }
  });

  it('reports exactly the fake counter’s energy, across a 64-bit wrap', async () => {
    // gpu0 goes up 300 mJ per read from 1000 mJ below the wrap; gpu1 is set by hand.
    fake.setEnergyMillijoules(0, UINT64_RANGE - 1000n);
    fake.setEnergyStepMillijoules(0, 300n);
    fake.setEnergyMillijoules(1, 10_000n);
    const meter = createEnergyMeter({ sources: ['nvml'], nvmlLibraryPath: fake.libraryPath, sampleIntervalMs: 10 });
    await meter.start();
    expect(meter.sources()[0]).toEqual({
      name: 'nvml',
      available: true,
      measured: true,
      devices: ['gpu0', 'gpu1'],
      detail: '2 GPUs (Fake NVML GPU 0, Fake NVML GPU 1); gpu0, gpu1: total energy counter (mJ) read at every window boundary',
    });

    meter.beginWindow('w');
    const gpu0AtBegin = fake.lastReadMillijoules(0);
    await sleep(100); // the sampling timer reads gpu0 several times, wrapping it
    fake.setEnergyMillijoules(1, 13_250n);
    const w = meter.endWindow('w');
    const gpu0AtEnd = fake.lastReadMillijoules(0);
    await meter.stop();

    expect(gpu0AtEnd).toBeLessThan(gpu0AtBegin); // it did wrap
    const gpu0Millijoules = gpu0AtEnd + UINT64_RANGE - gpu0AtBegin;
    // Exact up to the rounding of summing per-sample increments in floating point (1e-9 J).
    expect(Object.keys(w.joulesByDevice)).toEqual(['gpu0', 'gpu1']);
    expect(w.joulesByDevice.gpu0).toBeCloseTo(Number(gpu0Millijoules) / 1000, 9);
    expect(w.joulesByDevice.gpu1).toBeCloseTo(3.25, 9);
    expect(w.measured).toBe(true);
    expect(w.coverage).toBe(1);
    expect(fake.initCount()).toBe(0); // nvmlShutdown balanced every nvmlInit_v2
  });

  it('integrates power where the GPU has no energy counter', async () => {
    fake.setEnergySupported(false);
    fake.setPowerMilliwatts(0, 150_000);
    fake.setPowerMilliwatts(1, 80_500);
    const meter = createEnergyMeter({ sources: ['nvml'], nvmlLibraryPath: fake.libraryPath, sampleIntervalMs: 20 });
    await meter.start();
    expect(meter.sources()[0].detail).toContain('gpu0, gpu1: no energy counter (before Volta), power every 20 ms integrated by trapezoid');
    await sleep(100);
    meter.beginWindow('w');
    await sleep(300);
    const w = meter.endWindow('w');
    await meter.stop();
    // Constant power: trapezoids and the hold after the newest sample are exact.
    expect(w.joulesByDevice.gpu0).toBeCloseTo(150 * w.seconds, 9);
    expect(w.joulesByDevice.gpu1).toBeCloseTo(80.5 * w.seconds, 9);
    expect(w.coverage).toBeCloseTo(1, 9);
    expect(fake.initCount()).toBe(0);
  });

  it('fails over with a warning when NVML starts returning errors', async () => {
    fake.setEnergyStepMillijoules(0, 5n);
    const meter = createEnergyMeter({ sources: ['nvml', 'estimate'], nvmlLibraryPath: fake.libraryPath, sampleIntervalMs: 10, wattsPerCore: 3 });
    const warnings: string[] = [];
    meter.onWarning((m) => warnings.push(m));
    await meter.start();
    fake.setFailing(true);
    meter.beginWindow('w');
    await sleep(100);
    const w = meter.endWindow('w');
    await meter.stop();
    expect(warnings[0]).toBe('nvml failed: nvmlDeviceGetTotalEnergyConsumption failed: GPU is lost (NVML error 15)');
    expect(w.coverage).toBeLessThan(1);
    expect(w.joulesBySource.estimate).toBeGreaterThanOrEqual(0); // the CPU group was never affected
    expect(fake.initCount()).toBe(0);
  });
});
