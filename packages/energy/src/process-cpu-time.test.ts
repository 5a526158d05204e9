import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processCpuSeconds } from './process-cpu-time';

describe.skipIf(!existsSync('/proc/self/stat'))('processCpuSeconds (needs Linux /proc)', () => {
  it('agrees with process.cpuUsage for this process', () => {
    let x = 0;
    for (let i = 0; i < 3_000_000; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    const fromProc = processCpuSeconds(process.pid);
    const usage = process.cpuUsage();
    const fromNode = (usage.user + usage.system) / 1e6;
    expect(fromProc).not.toBeNull();
    // /proc counts whole 10 ms ticks per field, so allow two ticks of rounding.
    expect(Math.abs((fromProc ?? 0) - fromNode)).toBeLessThan(0.021);
  });

  it('is null for a process that does not exist', () => {
    expect(processCpuSeconds(2 ** 30)).toBeNull();
  });
});
