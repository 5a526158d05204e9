import { describe, expect, it } from 'vitest';
import { selectionProblems } from './selection-problems';

describe('selectionProblems', () => {
  it('finds nothing wrong with b distinct in-range indices', () => {
    expect(selectionProblems({ indices: Int32Array.from([3, 0, 2]), diagnostics: { x: 1 } }, 4, 3)).toEqual([]);
  });

  it('reports a wrong count, duplicates, out-of-range indices and bad diagnostics', () => {
    expect(selectionProblems({ indices: Int32Array.from([0, 1]) }, 4, 3)).toEqual(['expected 3 indices, got 2']);
    expect(selectionProblems({ indices: Int32Array.from([1, 1]) }, 4, 2)).toEqual(['index 1 is chosen twice']);
    expect(selectionProblems({ indices: Int32Array.from([4, -1]) }, 4, 2)).toEqual([
      'index 4 is outside [0, 4)',
      'index -1 is outside [0, 4)',
    ]);
    expect(
      selectionProblems({ indices: Int32Array.from([0]), trainingResolutions: [], diagnostics: { x: NaN } }, 4, 1),
    ).toEqual(['trainingResolutions and indices differ in length', 'diagnostic x is not a finite number: NaN']);
  });
});
