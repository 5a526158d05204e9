import { describe, expect, it } from 'vitest';
import { describeThisCpu, wattsPerBusyThread } from './watts-per-core';

describe('wattsPerBusyThread', () => {
  it('classifies CPUs as systeminformation names them', () => {
    const cases: Array<[string, string, number, string]> = [
      ['AMD', 'EPYC', 3, 'server x86'],
      ['AMD', 'EPYC 7763 64-Core Processor', 3, 'server x86'],
      ['Intel', 'Xeon® Platinum 8380', 3, 'server x86'],
      ['ARM', 'Neoverse-N1', 2.5, 'server Arm'],
      ['Apple', 'M2', 2, 'laptop'],
      ['Apple', 'M2 Max', 2, 'laptop'],
      ['Intel', 'Core™ i7-1260P', 2, 'laptop'],
      ['AMD', 'Ryzen 7 7840U w/ Radeon 780M Graphics', 2, 'laptop'],
      ['Intel', 'Core™ i7-12700K', 6, 'desktop'],
      ['AMD', 'Ryzen 9 7950X 16-Core Processor', 6, 'desktop'],
      ['', '', 6, 'unrecognised'],
    ];
    for (const [manufacturer, brand, watts, cpuClass] of cases) {
      const rule = wattsPerBusyThread({ manufacturer, brand });
      expect({ brand, watts: rule.watts, cpuClass: rule.cpuClass }).toEqual({ brand, watts, cpuClass });
      expect(rule.explanation).toContain(`${watts} W per busy thread`);
    }
  });

  it('reads this machine through systeminformation', async () => {
    const cpu = await describeThisCpu();
    expect(typeof cpu.brand).toBe('string');
    expect(wattsPerBusyThread(cpu).watts).toBeGreaterThan(0);
  });
});
