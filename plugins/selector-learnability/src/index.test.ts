import { describe, expect, it } from 'vitest';
import { Rng, type LossMatrix } from '@sieve/core';
import { selectorFactoryOf, topK } from '@sieve/selection';
import { describeSelectorConformance, fixedScoringContext, liveTensorCount, randomPairwiseLosses, randomPerExampleLosses, selectionProblems, selectorSettings as settings, userErrorField as fieldOf } from '@sieve/selection/testing';
import learnability, { type LearnabilitySelector } from './index';

describeSelectorConformance(learnability);

const learnabilitySelectorFactory = selectorFactoryOf(learnability);


describe('learnability selector', () => {
  it('returns b distinct indices in [0, N), the same for every seed (it does not sample), leaving no tensors', async () => {
    const selector = learnabilitySelectorFactory.create(settings());
    const learner = randomPairwiseLosses(new Rng(1), 40);
    const reference = randomPairwiseLosses(new Rng(2), 40);
    const tensorsBefore = await liveTensorCount();
    const draws: number[][] = [];
    for (const seed of [3, 3, 4]) {
      const context = fixedScoringContext({ batchSize: 8, learner, reference, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 40, 8)).toEqual([]);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('keeps the top b by expected contribution to a random batch (hand-worked, N = 3, b = 2)', async () => {
    // S = L_learner - L_reference = [[4, 2, 2], [4, 3, 0], [1, 0, 3.5]]; (b - 1) / (N - 1) = 0.5.
    //   i = 0: 4 + 0.5 * ((2 + 4) + (2 + 1)) = 8.5
    //   i = 1: 3 + 0.5 * ((4 + 2) + (0 + 0)) = 6
    //   i = 2: 3.5 + 0.5 * ((1 + 2) + (0 + 0)) = 5
    // Top 2: 0, 1 (the diagonal alone would have picked 0, 2).
    const S = [4, 2, 2, 4, 3, 0, 1, 0, 3.5];
    const learner: LossMatrix = { kind: 'pairwise', size: 3, values: Float32Array.from(S, (s) => s + 2) };
    const reference: LossMatrix = { kind: 'pairwise', size: 3, values: new Float32Array(9).fill(2) };
    const selector = learnabilitySelectorFactory.create(settings({}, { batchSize: 2, superBatchSize: 3 }));
    const selection = await selector.select(fixedScoringContext({ batchSize: 2, learner, reference }));
    expect(Array.from(selection.indices)).toEqual([0, 1]);
    // Diagonal learnability: chosen (4 + 3) / 2 = 3.5; all (4 + 3 + 3.5) / 3 = 3.5.
    expect(selection.diagnostics).toEqual({ meanLearnabilityChosen: 3.5, meanLearnabilitySuperBatch: 3.5 });
  });

  it('on classification keeps the top b per-example loss differences', async () => {
    const learner = randomPerExampleLosses(new Rng(5), 40);
    const reference = randomPerExampleLosses(new Rng(6), 40);
    const selector = learnabilitySelectorFactory.create(settings({}, { task: 'classification' }));
    const { indices } = await selector.select(fixedScoringContext({ batchSize: 8, learner, reference }));
    expect(Array.from(indices)).toEqual(Array.from(topK(Float32Array.from(learner.values, (l, i) => l - reference.values[i]), 8)));
  });

  it('scores the learner at the configured resolution and the reference at full resolution', async () => {
    const context = fixedScoringContext({
      batchSize: 8,
      learner: randomPairwiseLosses(new Rng(1), 40),
      reference: randomPairwiseLosses(new Rng(2), 40),
    });
    await learnabilitySelectorFactory.create(settings({ resolution: 'coarse' })).select(context);
    expect([...context.lossRequests].sort((a, b) => a.model.localeCompare(b.model))).toEqual([
      { model: 'learner', resolution: 'coarse' },
      { model: 'reference', resolution: 'fine' },
    ]);
  });

  it('rejects bad settings with UserInputErrors naming the field', () => {
    expect(fieldOf(() => learnabilitySelectorFactory.create(settings({ mode: 'greedy' })))).toBe('selectorOptions.mode');
    expect(fieldOf(() => learnabilitySelectorFactory.create(settings({ resolution: 'low' })))).toBe('selectorOptions.resolution');
    expect(fieldOf(() => learnabilitySelectorFactory.create(settings({}, { batchSize: 48 })))).toBe('--train-batch-size');
  });

  it('is a selector for users, which by default scores with the learner at the fine resolution', () => {
    expect([learnability.name, learnability.benchmarkOnly, learnability.seesNoiseTags]).toEqual(['learnability', undefined, undefined]);
    expect((learnability.create(learnability.options.parse({}), settings()) as LearnabilitySelector).resolution).toBe('fine');
  });
});
