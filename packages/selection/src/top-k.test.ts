import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { topK, topKExcluding } from './top-k';

/** Reference: sort every index by (score descending, NaN last, index ascending). */
function topKBySorting(scores: ArrayLike<number>, k: number, excluded?: Uint8Array): number[] {
  const rank = (v: number) => (Number.isNaN(v) ? -Infinity : v);
  return Array.from({ length: scores.length }, (_, i) => i)
    .filter((i) => !excluded?.[i])
    .sort((a, b) => {
      const sa = scores[a];
      const sb = scores[b];
      if (Number.isNaN(sa) !== Number.isNaN(sb)) return Number.isNaN(sa) ? 1 : -1;
      return rank(sb) - rank(sa) || a - b;
    })
    .slice(0, k);
}

describe('topK', () => {
  it('returns the largest scores best first, ties to the lower index', () => {
    // Scores 1, 5, 3, 5, 2: the two 5s (indices 1 and 3, lower first), then 3 (index 2).
    expect(Array.from(topK([1, 5, 3, 5, 2], 3))).toEqual([1, 3, 2]);
    expect(Array.from(topK([0, 0, 0, 0], 2))).toEqual([0, 1]);
    expect(Array.from(topK([4, 1], 0))).toEqual([]);
    expect(Array.from(topK([4, 1], 2))).toEqual([0, 1]);
  });

  it('ranks NaN below everything, -Infinity included', () => {
    expect(Array.from(topK([NaN, -Infinity, 2, NaN], 4))).toEqual([2, 1, 0, 3]);
  });

  it('skips excluded candidates and refuses k larger than what is left', () => {
    const excluded = Uint8Array.from([0, 1, 0, 1, 0]);
    expect(Array.from(topKExcluding([1, 5, 3, 5, 2], 2, excluded))).toEqual([2, 4]);
    expect(() => topKExcluding([1, 5, 3, 5, 2], 4, excluded)).toThrow(RangeError);
    expect(() => topK([1, 2], 3)).toThrow(RangeError);
  });

  it('agrees with sorting on random scores with many ties (property)', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 300; trial++) {
      const size = 1 + rng.nextInt(60);
      // Few distinct values, so ties are common; an occasional NaN.
      const scores = Float64Array.from({ length: size }, () => (rng.nextFloat() < 0.05 ? NaN : rng.nextInt(6)));
      const excluded = Uint8Array.from({ length: size }, () => (rng.nextFloat() < 0.3 ? 1 : 0));
      const available = size - excluded.reduce((a, b) => a + b, 0);
      const k = rng.nextInt(available + 1);
      expect(Array.from(topKExcluding(scores, k, excluded))).toEqual(topKBySorting(scores, k, excluded));
    }
  });
});
