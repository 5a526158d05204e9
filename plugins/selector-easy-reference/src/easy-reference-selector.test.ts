import { describe, expect, it } from 'vitest';
import { Rng, type LossMatrix } from '@sieve/core';
import { fixedScoringContext, liveTensorCount, randomPairwiseLosses, selectionProblems, selectorSettings as settings, userErrorField as fieldOf } from '@sieve/selection/testing';
import { easyReferenceSelectorFactory } from './easy-reference-selector';


describe('easy-reference selector', () => {
  it('returns b distinct indices in [0, N), reproducibly for a seed, from reference losses alone, leaving no tensors', async () => {
    const selector = easyReferenceSelectorFactory.create(settings());
    const reference = randomPairwiseLosses(new Rng(1), 40);
    const tensorsBefore = await liveTensorCount();
    const draws: number[][] = [];
    for (const seed of [3, 3, 4]) {
      const context = fixedScoringContext({ batchSize: 8, reference, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 40, 8)).toEqual([]);
      expect(context.lossRequests).toEqual([{ model: 'reference', resolution: 'fine' }]);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('picks the hand-worked batch in greedy mode (N = 4, b = 2, n = 2)', async () => {
    // S = -L_reference. Chunk 1 by the diagonal -2, -0.5, -1, -3: candidate 1.
    // Chunk 2 by s(i | {1}) = -(L_ii + L_i1 + L_1i): i = 0: -2; i = 2: -(1 + L_12) = -(1 + 5) = -6; i = 3: -3.
    // So 1 then 0 (independent top-2 would be 1, 2).
    // prettier-ignore
    const reference: LossMatrix = { kind: 'pairwise', size: 4, values: Float32Array.from([
      2, 0,   0, 0,
      0, 0.5, 5, 0,
      0, 0,   1, 0,
      0, 0,   0, 3,
    ]) };
    const selector = easyReferenceSelectorFactory.create(settings({ mode: 'greedy' }, { batchSize: 2, superBatchSize: 4, chunks: 2 }));
    const selection = await selector.select(fixedScoringContext({ batchSize: 2, reference }));
    expect(Array.from(selection.indices)).toEqual([1, 0]);
    // Reference loss of the chosen (0.5 + 2) / 2 = 1.25; of all (2 + 0.5 + 1 + 3) / 4 = 1.625.
    expect(selection.diagnostics).toEqual({ meanReferenceLossChosen: 1.25, meanReferenceLossSuperBatch: 1.625 });
  });

  it('rejects bad settings with UserInputErrors naming the field', () => {
    expect(fieldOf(() => easyReferenceSelectorFactory.create(settings({ mode: 'top' })))).toBe('selectorOptions.mode');
    expect(fieldOf(() => easyReferenceSelectorFactory.create(settings({ resolution: 'coarse' })))).toBe('selectorOptions.resolution');
    expect(fieldOf(() => easyReferenceSelectorFactory.create(settings({ chunks: 5 })))).toBe('selectorOptions.chunks');
    expect(fieldOf(() => easyReferenceSelectorFactory.create(settings({}, { batchSize: 48 })))).toBe('--train-batch-size');
  });
});
