import { describe, expect, it } from 'vitest';
import { createEnergyMeter } from './create-energy-meter';
import { EstimateSource } from './estimate-source';

function cpuMicroseconds(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function busyFor(milliseconds: number): number {
  const end = performance.now() + milliseconds;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

describe('EstimateSource', () => {
  it('gives positive joules for a busy loop, labelled estimated, bracketed by the CPU time around it', async () => {
    const meter = createEnergyMeter({ sources: ['estimate'], wattsPerCore: 5 });
    await meter.start();
    const outerBefore = cpuMicroseconds();
    meter.beginWindow('busy');
    const innerBefore = cpuMicroseconds();
    busyFor(300);
    const innerAfter = cpuMicroseconds();
    const w = meter.endWindow('busy');
    const outerAfter = cpuMicroseconds();
    await meter.stop();

    expect(w.measured).toBe(false);
    expect(Object.keys(w.joulesByDevice)).toEqual(['cpu']);
    expect(w.joulesBySource.estimate).toBe(w.joules);
    expect(w.joules).toBeGreaterThan(0);
    // The window reads CPU time between the outer and inner readings, at 5 W per CPU-second.
    expect(w.joules).toBeGreaterThanOrEqual(((innerAfter - innerBefore) / 1e6) * 5 - 1e-9);
    expect(w.joules).toBeLessThanOrEqual(((outerAfter - outerBefore) / 1e6) * 5 + 1e-9);
    expect(w.coverage).toBe(1);
    expect(meter.sources()[0].detail).toMatch(/^estimated, not measured: this process's CPU time x 5 W per busy thread \(set by wattsPerCore\)/);
  });

  it('takes its default wattage from the CPU class and says which rule it used', async () => {
    const source = new EstimateSource();
    const probe = await source.probe();
    expect(probe).toMatchObject({ available: true, devices: ['cpu'] });
    expect(probe.detail).toMatch(/W per busy thread \(TDP \/ threads\); set wattsPerCore to override/);
    expect(source.wattsPerBusyThread).toBeGreaterThan(0);
  });
});
