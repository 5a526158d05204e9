import { describe, expect, it } from 'vitest';
import { arraySpec } from './array-spec';

/** The ids an --array value names, expanded the way Slurm reads it. */
function expand(spec: string): number[] {
  return spec
    .replace(/%\d+$/, '')
    .split(',')
    .flatMap((part) => {
      const [a, b] = part.split('-').map(Number);
      return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
    });
}

describe('arraySpec', () => {
  it('writes consecutive ids as ranges and the limit after %', () => {
    expect(arraySpec([3, 6, 10, 11, 12], 2)).toBe('3,6,10-12%2');
    expect(arraySpec([0], null)).toBe('0');
    expect(arraySpec([5, 4, 4, 0, 1, 2], 8)).toBe('0-2,4-5%8');
  });

  it('names exactly the given ids, for any set of them', () => {
    for (let trial = 0; trial < 200; trial++) {
      const ids = [...new Set(Array.from({ length: 1 + (trial % 40) }, () => Math.floor(Math.random() * 100)))];
      expect(expand(arraySpec(ids, null))).toEqual([...ids].sort((a, b) => a - b));
    }
  });

  it('refuses an empty array', () => {
    expect(() => arraySpec([], 1)).toThrow(/at least one task/);
  });
});
