import { describe, expect, it } from 'vitest';
import { OverheadClock } from './overhead-clock';

describe('OverheadClock', () => {
  it('passes results and errors through and only ever adds time', () => {
    const clock = new OverheadClock();
    expect(clock.seconds).toBe(0);
    expect(clock.time(() => 42)).toBe(42);
    const afterOne = clock.seconds;
    expect(afterOne).toBeGreaterThanOrEqual(0);
    expect(() =>
      clock.time(() => {
        throw new Error('inner');
      }),
    ).toThrow('inner');
    expect(clock.seconds).toBeGreaterThanOrEqual(afterOne);
  });

  it('counts at least the CPU time of the work it wraps (single-threaded work: wall >= CPU)', () => {
    const clock = new OverheadClock();
    let cpuMicroseconds = 0;
    clock.time(() => {
      const before = process.cpuUsage();
      let x = 0;
      for (let i = 0; i < 2_000_000; i++) x += Math.sqrt(i);
      const used = process.cpuUsage(before);
      cpuMicroseconds = used.user + used.system;
      return x;
    });
    // getrusage counts in whole clock ticks on some kernels: allow one 10 ms tick.
    expect(clock.seconds).toBeGreaterThanOrEqual(cpuMicroseconds / 1e6 - 0.01);
  });
});
