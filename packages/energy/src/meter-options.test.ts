import { describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { resolveMeterOptions, type MeterOptions } from './meter-options';

function problemOf(options: MeterOptions): { field: string; message: string } {
  try {
    resolveMeterOptions(options, {});
  } catch (error) {
    if (isUserInputError(error)) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a UserInputError');
}

describe('resolveMeterOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveMeterOptions({}, {})).toEqual({
      sampleIntervalMs: 100,
      wattsPerCore: undefined,
      sources: ['nvml', 'nvidia-smi', 'rapl', 'estimate'],
      nvmlLibraryPath: 'libnvidia-ml.so.1',
      powercapRoot: '/sys/class/powercap',
      nvidiaSmiPath: 'nvidia-smi',
    });
  });

  it('takes the NVML library from SIEVE_NVML_LIBRARY unless an option overrides it', () => {
    expect(resolveMeterOptions({}, { SIEVE_NVML_LIBRARY: '/opt/nv/libnvidia-ml.so.1' }).nvmlLibraryPath).toBe('/opt/nv/libnvidia-ml.so.1');
    expect(resolveMeterOptions({ nvmlLibraryPath: '/x.so' }, { SIEVE_NVML_LIBRARY: '/y.so' }).nvmlLibraryPath).toBe('/x.so');
  });

  it('keeps the sources given, in their order', () => {
    expect(resolveMeterOptions({ sources: ['estimate', 'rapl'] }, {}).sources).toEqual(['estimate', 'rapl']);
  });

  it('names the option and the fix for bad values', () => {
    expect(problemOf({ sampleIntervalMs: 0 }).field).toBe('energy.sampleIntervalMs');
    expect(problemOf({ sampleIntervalMs: 12.5 }).field).toBe('energy.sampleIntervalMs');
    expect(problemOf({ wattsPerCore: -3 }).field).toBe('energy.wattsPerCore');
    expect(problemOf({ wattsPerCore: Number.NaN }).field).toBe('energy.wattsPerCore');
    expect(problemOf({ sources: ['gpu'] }).message).toContain('unknown source "gpu"; choose from nvml, nvidia-smi, rapl, estimate');
    expect(problemOf({ sources: [] }).field).toBe('energy.sources');
    expect(problemOf({ sources: ['rapl', 'rapl'] }).message).toContain('twice');
    // A recorded trace is read by `replayTrace`, not played by the meter of a run.
    expect(problemOf({ sources: ['replay'] }).message).toContain('unknown source "replay"');
  });
});
