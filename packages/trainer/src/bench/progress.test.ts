import { describe, expect, it } from 'vitest';
import type { BenchJob } from './bench-plan';
import type { JobProgress, JobStatus } from './scheduler';
import { formatDuration, progressLine, summariseProgress } from './progress';

const job = (name: string, steps: number): BenchJob =>
  ({ name, kind: 'run', seed: 0, selector: name, dependsOn: [], steps, output: name, workDir: `${name}.partial`, configFile: name, log: name }) as BenchJob;
const at = (name: string, steps: number, status: JobStatus, step: number): JobProgress => ({ job: job(name, steps), status, step });

describe('summariseProgress', () => {
  it('counts finished jobs and works out the ETA from the steps done in this session', () => {
    // 1,000 of 4,000 steps were done before this session (a skipped run); 1,000 more in 100 s:
    // 10 steps/s, 2,000 left -> 200 s.
    const progress = [at('a', 1000, 'skipped', 1000), at('b', 1000, 'finished', 1000), at('c', 1000, 'running', 0), at('d', 1000, 'pending', 0)];
    const summary = summariseProgress(progress, 1000, 100);
    expect(summary).toMatchObject({ finished: 2, total: 4, failed: [], etaSeconds: 200 });
    expect(summary.running).toEqual([{ name: 'c', step: 0, steps: 1000 }]);
    expect(progressLine(summary)).toBe('jobs 2/4 done · running c 0/1000 · ETA 3m20s');
  });

  it('has no ETA before any step of this session, and lists failed and blocked jobs', () => {
    const summary = summariseProgress([at('a', 10, 'failed', 3), at('b', 10, 'blocked', 0)], 3, 50);
    expect(summary.etaSeconds).toBeNull();
    expect(summary.failed).toEqual(['a', 'b']);
    expect(progressLine(summary)).toBe('jobs 0/2 done · failed a, b · ETA –');
  });
});

describe('formatDuration', () => {
  it('writes seconds, minutes and hours', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(200)).toBe('3m20s');
    expect(formatDuration(3 * 3600 + 5 * 60 + 9)).toBe('3h05m');
  });
});
