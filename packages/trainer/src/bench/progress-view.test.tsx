/** @jsxRuntime automatic */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { BenchProgressView } from './progress-view';

describe('BenchProgressView', () => {
  it('shows the jobs done, each running run with its step, the ETA, failures and the latest lines', () => {
    const summary = {
      finished: 5,
      total: 27,
      running: [
        { name: 'jest-seed1', step: 1200, steps: 4000 },
        { name: 'uniform-seed2', step: 4000, steps: 4000 },
      ],
      failed: ['hard-negative-seed0'],
      etaSeconds: 1500,
    };
    const lines = Array.from({ length: 8 }, (_, i) => `[04:00:0${i}] line ${i}`);
    const { lastFrame, unmount } = render(<BenchProgressView title="sieve bench" summary={summary} lines={lines} />);
    const frame = lastFrame() ?? '';
    unmount();
    expect(frame).toContain('sieve bench');
    expect(frame).toMatch(/5\/27 jobs done · ETA 25m00s/);
    expect(frame).toMatch(/jest-seed1 +.*1200\/4000/);
    expect(frame).toMatch(/uniform-seed2 +.*4000\/4000/);
    expect(frame).toContain('failed: hard-negative-seed0');
    // The last six lines only.
    expect(frame).not.toContain('line 1');
    expect(frame).toContain('line 2');
    expect(frame).toContain('line 7');
    expect(frame).toContain('Ctrl-C stops after the current steps');
  });
});
