import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFakeNvml, whyNoCompiler, type FakeNvml } from '../test-support/fake-nvml';
import { removeTempDirs } from '@sieve/core/testing';
import { loadNvml, NvmlError } from './nvml-library';
import { UINT64_RANGE } from './wrapping-counter';

afterAll(removeTempDirs);

describe('loadNvml', () => {
  it('throws a plain error naming the library when it cannot be loaded', () => {
    expect(() => loadNvml('/no/such/libnvidia-ml.so.1')).toThrow(/libnvidia-ml\.so\.1|shared library/);
  });
});

const noCompiler = whyNoCompiler();

describe.skipIf(noCompiler !== null)(`loadNvml on a fake libnvidia-ml.so.1${noCompiler ? ` (skipped: ${noCompiler})` : ''}`, () => {
  let fake: FakeNvml;

  beforeAll(() => {
    fake = buildFakeNvml();
  });

  it('binds the calls the meter needs, keeping all 64 bits of the energy counter', () => {
    const nvml = loadNvml(fake.libraryPath);
    nvml.init();
    expect(nvml.deviceCount()).toBe(2);
    const gpu1 = nvml.deviceHandle(1);
    expect(nvml.deviceName(gpu1)).toBe('Fake NVML GPU 1');
    fake.setEnergySupported(true);
    fake.setEnergyStepMillijoules(1, 0n);
    fake.setEnergyMillijoules(1, UINT64_RANGE - 7n); // beyond 2^53: a double would round it
    expect(nvml.totalEnergyMillijoules(gpu1)).toBe(UINT64_RANGE - 7n);
    fake.setPowerMilliwatts(1, 123_456);
    expect(nvml.powerMilliwatts(gpu1)).toBe(123_456);
    nvml.shutdown();
    expect(fake.initCount()).toBe(0);
  });

  it('turns NVML return codes into NvmlError with NVML’s own words', () => {
    const nvml = loadNvml(fake.libraryPath);
    let caught: unknown;
    try {
      nvml.deviceCount(); // before nvmlInit_v2
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NvmlError);
    expect((caught as NvmlError).code).toBe(1);
    expect((caught as NvmlError).message).toBe('nvmlDeviceGetCount_v2 failed: Uninitialized (NVML error 1)');
    nvml.init();
    fake.setEnergySupported(false);
    expect(() => nvml.totalEnergyMillijoules(nvml.deviceHandle(0))).toThrow('nvmlDeviceGetTotalEnergyConsumption failed: Not Supported (NVML error 3)');
    expect(() => nvml.deviceHandle(5)).toThrow('Invalid Argument');
    nvml.shutdown();
  });
});
