import { describe, expect, it } from 'vitest';
import { Rng, type LossMatrix } from '@sieve/core';
import { fixedScoringContext, liveTensorCount, randomPairwiseLosses, selectionProblems, selectorSettings as settings, userErrorField as fieldOf } from '@sieve/selection/testing';
import { hardNegativeSelectorFactory } from './hard-negative-selector';


describe('hard-negative selector', () => {
  it('returns b distinct indices in [0, N), reproducibly for a seed, from learner losses alone, leaving no tensors', async () => {
    const selector = hardNegativeSelectorFactory.create(settings());
    const learner = randomPairwiseLosses(new Rng(1), 40);
    const tensorsBefore = await liveTensorCount();
    const draws: number[][] = [];
    for (const seed of [3, 3, 4]) {
      const context = fixedScoringContext({ batchSize: 8, learner, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 40, 8)).toEqual([]);
      expect(context.lossRequests).toEqual([{ model: 'learner', resolution: 'fine' }]);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('picks the hand-worked batch in greedy mode (N = 4, b = 2, n = 2)', async () => {
    // S = L_learner. Chunk 1 by the diagonal 1, 3, 2, 0.5: candidate 1.
    // Chunk 2 by s(i | {1}) = L_ii + L_i1 + L_1i: i = 0: 1; i = 2: 2; i = 3: 0.5 + L_31 = 0.5 + 4 = 4.5.
    // So 1 then 3 (independent top-2 would be 1, 2).
    // prettier-ignore
    const learner: LossMatrix = { kind: 'pairwise', size: 4, values: Float32Array.from([
      1, 0, 0, 0,
      0, 3, 0, 0,
      0, 0, 2, 0,
      0, 4, 0, 0.5,
    ]) };
    const selector = hardNegativeSelectorFactory.create(settings({ mode: 'greedy' }, { batchSize: 2, superBatchSize: 4, chunks: 2 }));
    const selection = await selector.select(fixedScoringContext({ batchSize: 2, learner }));
    expect(Array.from(selection.indices)).toEqual([1, 3]);
    // Chosen diagonal (3 + 0.5) / 2 = 1.75; all (1 + 3 + 2 + 0.5) / 4 = 1.625.
    expect(selection.diagnostics).toEqual({ meanLearnerLossChosen: 1.75, meanLearnerLossSuperBatch: 1.625 });
  });

  it('scores at the configured learner resolution', async () => {
    const context = fixedScoringContext({ batchSize: 8, learner: randomPairwiseLosses(new Rng(1), 40) });
    await hardNegativeSelectorFactory.create(settings({ resolution: 'coarse' })).select(context);
    expect(context.lossRequests).toEqual([{ model: 'learner', resolution: 'coarse' }]);
  });

  it('rejects bad settings with UserInputErrors naming the field', () => {
    expect(fieldOf(() => hardNegativeSelectorFactory.create(settings({ mode: 'top' })))).toBe('selectorOptions.mode');
    expect(fieldOf(() => hardNegativeSelectorFactory.create(settings({ score: 'learnability' })))).toBe('selectorOptions.score');
    expect(fieldOf(() => hardNegativeSelectorFactory.create(settings({}, { chunks: 3 })))).toBe('--chunks');
    expect(fieldOf(() => hardNegativeSelectorFactory.create(settings({}, { batchSize: 48 })))).toBe('--train-batch-size');
  });
});
