import { describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { createEnergyMeter } from './create-energy-meter';

describe('createEnergyMeter', () => {
  it('tries the sources in the order given and falls back within a group', async () => {
    const meter = createEnergyMeter({
      sources: ['nvml', 'rapl', 'estimate'],
      nvmlLibraryPath: '/no/such/libnvidia-ml.so.1',
      powercapRoot: '/no/such/powercap',
      wattsPerCore: 2,
    });
    expect(meter.sources().map((s) => [s.name, s.detail])).toEqual([
      ['nvml', 'not probed yet (the meter has not started)'],
      ['rapl', 'not probed yet (the meter has not started)'],
      ['estimate', 'not probed yet (the meter has not started)'],
    ]);
    await meter.start();
    const sources = meter.sources();
    expect(sources.map((s) => [s.name, s.available])).toEqual([
      ['nvml', false],
      ['rapl', false],
      ['estimate', true],
    ]);
    expect(sources[0].detail).toContain('could not load /no/such/libnvidia-ml.so.1');
    expect(sources[1].detail).toContain('no /no/such/powercap');
    expect(meter.sourcesInUse()).toEqual([{ name: 'estimate', measured: false }]);
    expect(meter.warnings()).toEqual([]);
    await meter.stop();
  });

  it('throws UserInputError for bad options, before anything starts', () => {
    let caught: unknown;
    try {
      createEnergyMeter({ sources: ['gpu'] });
    } catch (error) {
      caught = error;
    }
    expect(isUserInputError(caught) && caught.field).toBe('energy.sources');
  });
});
