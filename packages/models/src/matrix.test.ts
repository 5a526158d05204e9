import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { identity, inverse, kronecker, matrix, multiply, pseudoInverse, transpose, type Matrix } from './matrix';

function random(rng: Rng, rows: number, cols: number): Matrix {
  return matrix(rows, cols, Array.from({ length: rows * cols }, () => rng.normal()));
}

function expectClose(a: Matrix, b: Matrix, tolerance = 1e-9): void {
  expect([a.rows, a.cols]).toEqual([b.rows, b.cols]);
  a.values.forEach((value, i) => expect(Math.abs(value - b.values[i])).toBeLessThan(tolerance));
}

describe('matrix helpers', () => {
  it('multiply, transpose and kronecker give the worked answers', () => {
    // (1 2; 3 4)(5; 6) = (1*5 + 2*6; 3*5 + 4*6) = (17; 39)
    expect(Array.from(multiply(matrix(2, 2, [1, 2, 3, 4]), matrix(2, 1, [5, 6])).values)).toEqual([17, 39]);
    expect(Array.from(transpose(matrix(2, 3, [1, 2, 3, 4, 5, 6])).values)).toEqual([1, 4, 2, 5, 3, 6]);
    // kron((1 2), (0 1; 1 0)) = (0 1 0 2; 1 0 2 0)
    expect(Array.from(kronecker(matrix(1, 2, [1, 2]), matrix(2, 2, [0, 1, 1, 0])).values)).toEqual([0, 1, 0, 2, 1, 0, 2, 0]);
  });

  it('inverts a matrix that needs pivoting, and refuses a singular one', () => {
    // (0 1; 1 0) is its own inverse and has a zero first pivot.
    expect(Array.from(inverse(matrix(2, 2, [0, 1, 1, 0])).values)).toEqual([0, 1, 1, 0]);
    const rng = new Rng(1);
    const a = random(rng, 6, 6);
    expectClose(multiply(a, inverse(a)), identity(6));
    expect(() => inverse(matrix(2, 2, [1, 2, 2, 4]))).toThrow(/singular/);
  });

  it('gives a Moore–Penrose pseudo-inverse for tall and wide matrices', () => {
    const rng = new Rng(2);
    for (const [rows, cols] of [
      [7, 3],
      [3, 7],
    ]) {
      const a = random(rng, rows, cols);
      const plus = pseudoInverse(a);
      expect([plus.rows, plus.cols]).toEqual([cols, rows]);
      // The defining identities: A A+ A = A and A+ A A+ = A+.
      expectClose(multiply(multiply(a, plus), a), a);
      expectClose(multiply(multiply(plus, a), plus), plus);
    }
  });
});
