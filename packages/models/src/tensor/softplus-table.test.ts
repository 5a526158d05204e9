import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { addBiasSoftplusInPlace, softplus, tabulatedSigmoid, tabulatedSoftplus } from './softplus-table';

describe('tabulatedSoftplus', () => {
  it('is within 3e-8 of the exact softplus over a dense grid and at random points, the table ends included', () => {
    let worst = 0;
    // A step that is no multiple of the table's 1/1024 grid, so most points fall between entries.
    for (let u = -45; u <= 45; u += 0.000377) worst = Math.max(worst, Math.abs(tabulatedSoftplus(u) - softplus(u)));
    const rng = new Rng(3);
    for (let i = 0; i < 100_000; i++) {
      const u = (rng.nextFloat() - 0.5) * 200;
      worst = Math.max(worst, Math.abs(tabulatedSoftplus(u) - softplus(u)));
    }
    for (const u of [0, 20, -20, 20 - 1e-12, -(20 - 1e-12), 1e4, -1e4]) worst = Math.max(worst, Math.abs(tabulatedSoftplus(u) - softplus(u)));
    expect(worst).toBeLessThan(3e-8);
  });

  it('keeps known values, the infinities and NaN', () => {
    expect(tabulatedSoftplus(0)).toBeCloseTo(Math.LN2, 12);
    expect(tabulatedSoftplus(1)).toBeCloseTo(1.3132616875182228, 7);
    expect(tabulatedSoftplus(-30)).toBeCloseTo(9.357622968839299e-14, 20);
    expect(tabulatedSoftplus(Infinity)).toBe(Infinity);
    expect(tabulatedSoftplus(-Infinity)).toBe(0);
    expect(tabulatedSoftplus(NaN)).toBeNaN();
  });

  it('adds the bias before the softplus, in place', () => {
    const values = Float32Array.from([0, 1, -2]);
    expect(addBiasSoftplusInPlace(values, 1)).toBe(values);
    // softplus(1), softplus(2), softplus(-1)
    [1.3132617, 2.126928, 0.3132617].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 6));
  });
});

describe('tabulatedSigmoid', () => {
  it('is within 1e-8 of 1 / (1 + e^-u) over a dense grid and at random points, the table ends included', () => {
    const exact = (u: number) => 1 / (1 + Math.exp(-u));
    let worst = 0;
    for (let u = -45; u <= 45; u += 0.000377) worst = Math.max(worst, Math.abs(tabulatedSigmoid(u) - exact(u)));
    const rng = new Rng(5);
    for (let i = 0; i < 100_000; i++) {
      const u = (rng.nextFloat() - 0.5) * 200;
      worst = Math.max(worst, Math.abs(tabulatedSigmoid(u) - exact(u)));
    }
    for (const u of [0, 20, -20, 20 - 1e-12, -(20 - 1e-12), 1e4, -1e4]) worst = Math.max(worst, Math.abs(tabulatedSigmoid(u) - exact(u)));
    expect(worst).toBeLessThan(1.2e-8);
  });

  it('keeps known values, the infinities and NaN', () => {
    expect(tabulatedSigmoid(0)).toBe(0.5);
    expect(tabulatedSigmoid(1)).toBeCloseTo(0.7310585786300049, 8);
    expect(tabulatedSigmoid(-1)).toBeCloseTo(0.2689414213699951, 8);
    expect(tabulatedSigmoid(Infinity)).toBe(1);
    expect(tabulatedSigmoid(-Infinity)).toBe(0);
    expect(tabulatedSigmoid(NaN)).toBeNaN();
  });
});
