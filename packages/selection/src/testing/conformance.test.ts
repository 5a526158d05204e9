import { describe, expect, it } from 'vitest';
import type { Resolution } from '@sieve/core';
import { contractProblems } from './conformance';

const shape = { name: 'N = 10, b = 3', superBatchSize: 10, batchSize: 3, chunks: 1 };

describe('contractProblems: what the conformance kit tells a selector author', () => {
  it('accepts a valid selection', () => {
    expect(contractProblems({ indices: Int32Array.from([0, 9, 4]), trainingResolutions: ['fine', 'coarse', 'fine'] }, shape)).toEqual([]);
  });

  it('names each breach and what the contract asks for', () => {
    const hint = '(select() must return exactly b = 3 distinct indices into the super-batch, 0 to 9)';
    expect(contractProblems({ indices: Int32Array.from([0, 1]) }, shape)).toEqual([`expected 3 indices, got 2 ${hint}`]);
    expect(contractProblems({ indices: Int32Array.from([0, 1, 1]) }, shape)).toEqual([`index 1 is chosen twice ${hint}`]);
    expect(contractProblems({ indices: Int32Array.from([0, 1, 10]) }, shape)).toEqual([`index 10 is outside [0, 10) ${hint}`]);
    expect(contractProblems({ indices: Int32Array.from([0, 1, 2]), diagnostics: { share: NaN } }, shape)).toEqual([`diagnostic share is not a finite number: NaN ${hint}`]);
    expect(contractProblems({ indices: Int32Array.from([0, 1, 2]), trainingResolutions: ['fine', 'low' as Resolution, 'fine'] }, shape)).toEqual([
      'trainingResolutions holds "low"; each entry must be "fine" or "coarse"',
    ]);
  });
});
