import { Rng } from '@sieve/core';
import { describe, expect, it } from 'vitest';
import { countsForRates } from './rate-counts';

describe('countsForRates', () => {
  it('splits the default pool exactly', () => {
    expect(countsForRates([0.4, 0.1, 0.3, 0.2], 56000)).toEqual([22400, 5600, 16800, 11200]);
  });

  it('gives the items left over to the largest remainders', () => {
    // 16 items: exact 6.4, 1.6, 4.8, 3.2 -> floors 6, 1, 4, 3 (14); the 2 left over go to
    // the remainders .8 (third) and .6 (second).
    expect(countsForRates([0.4, 0.1, 0.3, 0.2], 16)).toEqual([6, 2, 5, 3]);
    // Ties go to the earlier rate: 3 items at 1/2, 1/2 -> 1.5 each -> [2, 1].
    expect(countsForRates([0.5, 0.5], 3)).toEqual([2, 1]);
  });

  it('adds up to the total with each count within 1 of its share (random rates)', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 300; trial++) {
      const raw = Array.from({ length: 1 + rng.nextInt(5) }, () => rng.nextFloat());
      const sum = raw.reduce((a, b) => a + b, 0);
      const rates = raw.map((r) => r / sum);
      const total = rng.nextInt(2000);
      const counts = countsForRates(rates, total);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      counts.forEach((count, k) => expect(Math.abs(count - rates[k] * total)).toBeLessThan(1));
    }
  });
});
