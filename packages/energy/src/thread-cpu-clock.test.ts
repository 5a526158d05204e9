import { describe, expect, it } from 'vitest';
import { loadThreadCpuClock } from './thread-cpu-clock';

const clock = loadThreadCpuClock();

describe.skipIf(clock === null)('loadThreadCpuClock (Linux with glibc only)', () => {
  it('counts this thread’s CPU time: never backwards, and about what process.cpuUsage sees for single-threaded work', () => {
    const read = clock as () => number;
    const threadBefore = read();
    const processBefore = process.cpuUsage();
    let x = 0;
    for (let i = 0; i < 5_000_000; i++) x += Math.sqrt(i);
    const used = process.cpuUsage(processBefore);
    const threadSeconds = read() - threadBefore;
    const processSeconds = (used.user + used.system) / 1e6;
    expect(x).toBeGreaterThan(0);
    expect(threadSeconds).toBeGreaterThan(0);
    // The process also counts its other threads (GC, compiler), so it is the larger, by a little.
    expect(threadSeconds).toBeLessThanOrEqual(processSeconds + 0.011);
    expect(threadSeconds).toBeGreaterThan(processSeconds * 0.5);
  });
});
