import { describe, expect, it } from 'vitest';
import type { Resolution, Selection } from '@sieve/core';
import { selectionProblems } from './selection-contract';

const rule = 'a selection must be exactly 3 distinct whole numbers in [0, 10)';

describe('selectionProblems: the one check of the Selection contract', () => {
  it('finds nothing wrong with b distinct in-range indices, a resolution per index and finite diagnostics', () => {
    expect(selectionProblems({ indices: Int32Array.from([0, 9, 4]), trainingResolutions: ['fine', 'coarse', 'fine'], diagnostics: { x: 1 } }, 10, 3)).toEqual([]);
  });

  it('names each breach of the indices, with what the contract asks for', () => {
    expect(selectionProblems({ indices: Int32Array.from([0, 1]) }, 10, 3)).toEqual([`returned 2 indices; ${rule}`]);
    expect(selectionProblems({ indices: Int32Array.from([0, 1, 1]) }, 10, 3)).toEqual([`returned 1 twice; ${rule}`]);
    expect(selectionProblems({ indices: Int32Array.from([10, -1, 2]) }, 10, 3)).toEqual([
      `returned 10, out of range, at position 0; ${rule}`,
      `returned -1, out of range, at position 1; ${rule}`,
    ]);
    expect(selectionProblems({ indices: Float64Array.from([0, 1, 2.5]) as unknown as Int32Array }, 10, 3)).toEqual([
      `returned 2.5, not a whole number, at position 2; ${rule}`,
      'returned its indices as a Float64Array; they must be an Int32Array (Int32Array.from(...))',
    ]);
    expect(selectionProblems({ indices: [0, 1, 2] as unknown as Int32Array }, 10, 3)).toEqual(['returned its indices as an Array; they must be an Int32Array (Int32Array.from(...))']);
    expect(selectionProblems({} as Selection, 10, 3)).toEqual([`returned no indices; ${rule}`]);
  });

  it('names training resolutions of the wrong length or value, and diagnostics that are not finite', () => {
    const indices = Int32Array.from([0, 1, 2]);
    expect(selectionProblems({ indices, trainingResolutions: ['fine', 'coarse'] }, 10, 3)).toEqual([
      'returned 2 trainingResolutions for 3 indices; give one "fine" or "coarse" per index, or none',
    ]);
    expect(selectionProblems({ indices, trainingResolutions: [] }, 10, 3)).toEqual(['returned 0 trainingResolutions for 3 indices; give one "fine" or "coarse" per index, or none']);
    expect(selectionProblems({ indices, trainingResolutions: ['fine', 'low' as Resolution, 'fine'] }, 10, 3)).toEqual([
      'returned trainingResolutions[1] = "low"; each must be "fine" or "coarse"',
    ]);
    expect(selectionProblems({ indices, diagnostics: { share: NaN, count: Infinity } }, 10, 3)).toEqual([
      'returned diagnostic share = NaN; diagnostics must be finite numbers',
      'returned diagnostic count = Infinity; diagnostics must be finite numbers',
    ]);
  });
});
