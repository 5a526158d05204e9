import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { UINT64_RANGE, WrappingCounter } from './wrapping-counter';

describe('WrappingCounter', () => {
  it('counts plain increments', () => {
    const counter = new WrappingCounter(1000n);
    expect(counter.advance(100n)).toEqual({ increment: 0n, step: 'first' });
    expect(counter.advance(350n)).toEqual({ increment: 250n, step: 'normal' });
    expect(counter.advance(350n)).toEqual({ increment: 0n, step: 'normal' });
  });

  it('handles a RAPL-style wrap at max_energy_range_uj', () => {
    // A real max_energy_range_uj; the counter goes 262143328000 -> wraps -> 500.
    const range = 262143328850n;
    const counter = new WrappingCounter(range);
    counter.advance(262143328000n);
    // (range - 262143328000) + 500 = 850 + 500 = 1350 µJ.
    expect(counter.advance(500n)).toEqual({ increment: 1350n, step: 'wrap' });
  });

  it('handles an NVML-style 64-bit millijoule counter wrap exactly', () => {
    const counter = new WrappingCounter(UINT64_RANGE);
    counter.advance(UINT64_RANGE - 500n);
    // 500 mJ up to the wrap, then 1500 mJ after it.
    expect(counter.advance(1500n)).toEqual({ increment: 2000n, step: 'wrap' });
  });

  it('treats a big step backwards as a reset and counts from zero', () => {
    const counter = new WrappingCounter(UINT64_RANGE);
    counter.advance(5_000_000n);
    expect(counter.advance(1200n)).toEqual({ increment: 1200n, step: 'reset' });
  });

  it('sums increments to the true total for random walks that wrap many times', () => {
    const rng = new Rng(11);
    const range = 1_000_000n;
    for (let trial = 0; trial < 20; trial++) {
      const counter = new WrappingCounter(range);
      let truth = BigInt(rng.nextInt(1_000_000));
      let sum = 0n;
      counter.advance(truth % range);
      const start = truth;
      for (let k = 0; k < 500; k++) {
        // Each step stays below half the range, so every wrap is recognisable.
        truth += BigInt(rng.nextInt(499_999));
        sum += counter.advance(truth % range).increment;
      }
      expect(sum).toBe(truth - start);
    }
  });
});
