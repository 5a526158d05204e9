import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.nextFloat());
    expect(Array.from({ length: 5 }, () => b.nextFloat())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextFloat())).not.toEqual(xs);
  });

  it('draws uniform floats in [0, 1) with the right mean', () => {
    const rng = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = rng.nextFloat();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    // Standard error of the mean is 0.29 / sqrt(20000) = 0.002; allow 5 of them.
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
  });

  it('samples distinct values without replacement, covering every value when count = n', () => {
    const rng = new Rng(7);
    const all = Array.from(rng.sampleWithoutReplacement(50, 50)).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const some = rng.sampleWithoutReplacement(1000, 100);
    expect(new Set(some).size).toBe(100);
    expect(() => rng.sampleWithoutReplacement(3, 4)).toThrow(RangeError);
  });

  it('derives independent, reproducible child streams', () => {
    const a = Rng.derive(5, 1).nextFloat();
    expect(Rng.derive(5, 1).nextFloat()).toBe(a);
    expect(Rng.derive(5, 2).nextFloat()).not.toBe(a);
    expect(Rng.derive(6, 1).nextFloat()).not.toBe(a);
  });
});
