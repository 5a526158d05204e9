import { describe, expect, it } from 'vitest';
import { OverheadClock } from './overhead-clock';

/** A thread CPU clock that advances exactly 2.5 µs per read: each timed section (two reads) costs 2.5 µs of "CPU". */
function steppingClock(): () => number {
  let reads = 0;
  return () => ++reads * 2.5e-6;
}

describe('OverheadClock', () => {
  it('passes results and errors through', () => {
    const clock = new OverheadClock(null);
    expect(clock.time(() => 42)).toBe(42);
    expect(() =>
      clock.time(() => {
        throw new Error('inner');
      }),
    ).toThrow('inner');
    expect(clock.sectionCount).toBe(2);
  });

  it('estimates CPU time from the sampled sections: exact when every section costs the same', () => {
    const clock = new OverheadClock(steppingClock());
    for (let i = 0; i < 4000; i++) {
      clock.start();
      clock.stop();
    }
    // About one in eight sections was timed, each at 2.5 µs; the estimate scales to all 4000.
    expect(clock.seconds).toBeCloseTo(4000 * 2.5e-6, 12);
  });

  it('counts a nested section as part of the outer one', () => {
    const clock = new OverheadClock(steppingClock());
    clock.time(() => clock.time(() => clock.time(() => 0)));
    expect(clock.sectionCount).toBe(1);
  });

  it('reports wall time without a thread CPU clock, or before enough sections were sampled', () => {
    const clock = new OverheadClock(null);
    let cpuMicroseconds = 0;
    clock.time(() => {
      const before = process.cpuUsage();
      let x = 0;
      for (let i = 0; i < 2_000_000; i++) x += Math.sqrt(i);
      const used = process.cpuUsage(before);
      cpuMicroseconds = used.user + used.system;
      return x;
    });
    expect(clock.seconds).toBe(clock.wallSeconds);
    // Single-threaded work: wall >= CPU (getrusage counts in 10 ms ticks on some kernels: allow one).
    expect(clock.seconds).toBeGreaterThanOrEqual(cpuMicroseconds / 1e6 - 0.01);
  });
});
