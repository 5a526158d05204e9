import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { independentScores } from './independent-scores';
import type { ScoreMatrix } from './score-matrix';

const pairwise = (size: number, values: ArrayLike<number>): ScoreMatrix => ({
  kind: 'pairwise',
  size,
  values: Float32Array.from(values),
});

/** Every b-subset of [0, n) that contains `member`. */
function batchesWith(n: number, b: number, member: number): number[][] {
  const out: number[][] = [];
  const walk = (start: number, batch: number[]) => {
    if (batch.length === b) {
      if (batch.includes(member)) out.push(batch.slice());
      return;
    }
    for (let i = start; i < n; i++) walk(i + 1, [...batch, i]);
  };
  walk(0, []);
  return out;
}

describe('independentScores', () => {
  it('matches the hand-worked expected contribution (N = 3, b = 2)', () => {
    // S = [[1, 2, 0], [0, 3, 4], [1, 0, 5]]; each other candidate joins with probability (2 - 1) / (3 - 1) = 0.5.
    //   i = 0: 1 + 0.5 * ((S01 + S10) + (S02 + S20)) = 1 + 0.5 * ((2 + 0) + (0 + 1)) = 2.5
    //   i = 1: 3 + 0.5 * ((S10 + S01) + (S12 + S21)) = 3 + 0.5 * ((0 + 2) + (4 + 0)) = 6
    //   i = 2: 5 + 0.5 * ((S20 + S02) + (S21 + S12)) = 5 + 0.5 * ((1 + 0) + (0 + 4)) = 7.5
    const scores = independentScores(pairwise(3, [1, 2, 0, 0, 3, 4, 1, 0, 5]), 2);
    expect(Array.from(scores)).toEqual([2.5, 6, 7.5]);
  });

  it('equals the mean contribution over every batch of b that holds the candidate (property, by enumeration)', () => {
    const rng = new Rng(8);
    for (let trial = 0; trial < 20; trial++) {
      const size = 2 + rng.nextInt(6);
      const batchSize = 1 + rng.nextInt(size);
      const matrix = pairwise(size, Array.from({ length: size * size }, () => rng.normal()));
      const S = matrix.values;
      const scores = independentScores(matrix, batchSize);
      for (let i = 0; i < size; i++) {
        const batches = batchesWith(size, batchSize, i);
        let total = 0;
        for (const batch of batches) {
          total += S[i * size + i];
          for (const k of batch) if (k !== i) total += S[i * size + k] + S[k * size + i];
        }
        expect(scores[i]).toBeCloseTo(total / batches.length, 9);
      }
    }
  });

  it('is the diagonal for per-example scores and for b = 1', () => {
    const diagonal: ScoreMatrix = { kind: 'per-example', size: 2, values: Float32Array.from([4, 0, 0, -1]) };
    expect(Array.from(independentScores(diagonal, 2))).toEqual([4, -1]);
    expect(Array.from(independentScores(pairwise(2, [4, 9, 9, -1]), 1))).toEqual([4, -1]);
    expect(Array.from(independentScores(pairwise(1, [7]), 1))).toEqual([7]);
  });
});
