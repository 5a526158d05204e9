import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { averageRanks, spearman } from './spearman';

describe('spearman', () => {
  it('ranks with ties averaged', () => {
    // 10 -> 3, 20 -> 4.5, 20 -> 4.5, 5 -> 1, 7 -> 2
    expect(Array.from(averageRanks([10, 20, 20, 5, 7]))).toEqual([3, 4.5, 4.5, 1, 2]);
  });

  it('is 1 for any increasing transform, -1 for a decreasing one', () => {
    const x = [0.3, -2, 5, 1.5, 0];
    expect(spearman(x, x.map((v) => Math.exp(v)))).toBeCloseTo(1, 12);
    expect(spearman(x, x.map((v) => -v * v * v))).toBeCloseTo(-1, 12);
  });

  it('matches the textbook formula 1 - 6 sum d^2 / (n (n^2 - 1)) without ties', () => {
    // Ranks a: 1 2 3 4 5; ranks b: 2 1 4 3 5 -> d^2 = 1+1+1+1+0 = 4 -> 1 - 24/120 = 0.8.
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });

  it('is near 0 for independent samples', () => {
    const rng = new Rng(3);
    const a = Array.from({ length: 4000 }, () => rng.nextFloat());
    const b = Array.from({ length: 4000 }, () => rng.nextFloat());
    // Standard error is 1 / sqrt(n - 1) = 0.016; allow 4 of them.
    expect(Math.abs(spearman(a, b))).toBeLessThan(0.064);
  });
});
