import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { randomUnitEmbeddings } from '@sieve/selection/testing';
import { cosine, findNearDuplicates } from './near-duplicates';

/** Every pair's cosine, the way the search must agree with: O(rows^2). */
function bruteForceRedundant(values: Float32Array, dim: number, threshold: number): Uint8Array {
  const rows = values.length / dim;
  const redundant = new Uint8Array(rows);
  for (let a = 0; a < rows; a++) for (let b = a + 1; b < rows; b++) if (cosine(values, a * dim, b * dim, dim) >= threshold) redundant[b] = 1;
  return redundant;
}

describe('findNearDuplicates', () => {
  it('marks the later row of each near-duplicate pair (hand-worked, 4 rows)', () => {
    // cos(0, 1) = c = 0.9998, cos(2, 3) = s = 0.9999; across the two pairs at most 0.02 * 0.014.
    const c = Math.sqrt(1 - 0.02 ** 2);
    const s = Math.sqrt(1 - 0.014 ** 2);
    const values = Float32Array.from([1, 0, 0, c, 0.02, 0, 0, 0, 1, 0, 0.014, s]);
    const found = findNearDuplicates({ dim: 3, values }, 0.997);
    expect(Array.from(found.redundant)).toEqual([0, 1, 0, 1]);
    expect(found.pairs).toBe(2);
  });

  it('finds what comparing every pair finds, on random embeddings with planted copies', () => {
    for (const seed of [1, 2, 3]) {
      // 3,000 rows in 16 dimensions, every 5th a near-copy of the one before it.
      const { dim, values } = randomUnitEmbeddings(new Rng(seed), 3000, 16, 5);
      const found = findNearDuplicates({ dim, values }, 0.997);
      expect(Array.from(found.redundant)).toEqual(Array.from(bruteForceRedundant(values, dim, 0.997)));
      expect(found.pairs).toBe(599);
      // The point of hashing: far fewer comparisons than the 4.5 million pairs.
      expect(found.comparisons).toBeLessThan(50_000);
    }
  });

  it('never reports a pair below the threshold, and is the same on every call', () => {
    const { dim, values } = randomUnitEmbeddings(new Rng(9), 500, 4, 0);
    const strict = findNearDuplicates({ dim, values }, 0.9);
    const brute = bruteForceRedundant(values, dim, 0.9);
    strict.redundant.forEach((flag, row) => expect(flag <= brute[row]).toBe(true));
    expect(Array.from(findNearDuplicates({ dim, values }, 0.9).redundant)).toEqual(Array.from(strict.redundant));
  });
});
