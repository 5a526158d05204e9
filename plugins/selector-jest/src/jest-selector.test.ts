import { describe, expect, it } from 'vitest';
import { Rng, type LossMatrix } from '@sieve/core';
import { topK } from '@sieve/selection';
import { fixedScoringContext, liveTensorCount, randomPairwiseLosses, randomPerExampleLosses, selectionProblems, selectorSettings as settings, userErrorField as fieldOf } from '@sieve/selection/testing';
import { jestSelectorFactory } from './jest-selector';


describe('jest selector', () => {
  it('returns b distinct indices in [0, N), reproducibly for a seed, leaving no tensors', async () => {
    const selector = jestSelectorFactory.create(settings());
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
    expect(draws[2]).not.toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('picks the hand-worked batch in greedy mode and reports the learnability of what it chose', async () => {
    // S = L_learner - L_reference with L_reference = 1 everywhere and L_learner = S + 1, where S is
    // the 6 x 6 matrix worked by hand in packages/selection/src/joint-sample.test.ts: b = 4, n = 2
    // gives 0, 1 (by the diagonal 5, 4, 3, 2, 1, 0), then 5 and 3 by their conditional scores.
    // prettier-ignore
    const S = [
       5, 0, 0,  0, 0, 2,
       0, 4, 0,  0, 0, 0,
      -2, 0, 3, 10, 0, 0,
       0, 0, 0,  2, 0, 0,
       0, 1, 0,  0, 1, 0,
       3, 0, 0,  0, 0, 0,
    ];
    const learner: LossMatrix = { kind: 'pairwise', size: 6, values: Float32Array.from(S, (s) => s + 1) };
    const reference: LossMatrix = { kind: 'pairwise', size: 6, values: new Float32Array(36).fill(1) };
    const selector = jestSelectorFactory.create(settings({ mode: 'greedy' }, { batchSize: 4, superBatchSize: 6, chunks: 2 }));
    const context = fixedScoringContext({ batchSize: 4, learner, reference });
    const selection = await selector.select(context);
    expect(Array.from(selection.indices)).toEqual([0, 1, 5, 3]);
    // Chosen diagonal 5, 4, 0, 2: mean 11 / 4 = 2.75. All six: 15 / 6 = 2.5.
    expect(selection.diagnostics).toEqual({ meanLearnabilityChosen: 2.75, meanLearnabilitySuperBatch: 2.5 });
    expect(context.lossRequests).toHaveLength(2);
  });

  it('in sample mode, mostly keeps the learnable candidates', async () => {
    // 20 of 40 candidates have learnability 4 on the diagonal, the others 0 (off-diagonal 0).
    // The first chunk's odds are e^4 = 55 to 1 per candidate, so nearly all of b = 8 are learnable.
    const size = 40;
    const learner: LossMatrix = { kind: 'pairwise', size, values: new Float32Array(size * size).fill(1) };
    for (let i = 0; i < size; i += 2) learner.values[i * size + i] = 5;
    const reference: LossMatrix = { kind: 'pairwise', size, values: new Float32Array(size * size).fill(1) };
    const selector = jestSelectorFactory.create(settings());
    let learnable = 0;
    for (let step = 1; step <= 50; step++) {
      const { indices } = await selector.select(fixedScoringContext({ batchSize: 8, learner, reference, step }));
      for (const index of indices) if (index % 2 === 0) learnable++;
    }
    // Expected fraction above 0.95; uniform selection would give 0.5.
    expect(learnable / (50 * 8)).toBeGreaterThan(0.9);
  });

  it('on per-example losses (classification), greedy mode is the independent top-b of the loss difference', async () => {
    const learner = randomPerExampleLosses(new Rng(5), 40);
    const reference = randomPerExampleLosses(new Rng(6), 40);
    const selector = jestSelectorFactory.create(settings({ mode: 'greedy' }, { task: 'classification' }));
    const { indices } = await selector.select(fixedScoringContext({ batchSize: 8, learner, reference }));
    const difference = Float32Array.from(learner.values, (l, i) => l - reference.values[i]);
    expect(Array.from(indices)).toEqual(Array.from(topK(difference, 8)));
  });

  it('asks for the losses its score needs, at the configured learner resolution', async () => {
    const learner = randomPairwiseLosses(new Rng(1), 40);
    const reference = randomPairwiseLosses(new Rng(2), 40);
    const run = async (options: Record<string, unknown>) => {
      const context = fixedScoringContext({ batchSize: 8, learner, reference });
      const selection = await jestSelectorFactory.create(settings(options)).select(context);
      return { requests: [...context.lossRequests].sort((a, b) => a.model.localeCompare(b.model)), selection };
    };
    expect((await run({ resolution: 'coarse' })).requests).toEqual([
      { model: 'learner', resolution: 'coarse' },
      { model: 'reference', resolution: 'fine' },
    ]);
    const hard = await run({ score: 'hard-learner' });
    expect(hard.requests).toEqual([{ model: 'learner', resolution: 'fine' }]);
    expect(Object.keys(hard.selection.diagnostics ?? {})).toEqual(['meanLearnerLossChosen', 'meanLearnerLossSuperBatch']);
    expect((await run({ score: 'easy-reference' })).requests).toEqual([{ model: 'reference', resolution: 'fine' }]);
  });

  it('rejects bad settings with UserInputErrors naming the field', () => {
    expect(fieldOf(() => jestSelectorFactory.create(settings({ mode: 'top' })))).toBe('selectorOptions.mode');
    expect(fieldOf(() => jestSelectorFactory.create(settings({ score: 'loss' })))).toBe('selectorOptions.score');
    expect(fieldOf(() => jestSelectorFactory.create(settings({}, { chunks: 3 })))).toBe('--chunks');
    expect(fieldOf(() => jestSelectorFactory.create(settings({ chunks: 3 })))).toBe('selectorOptions.chunks');
    expect(fieldOf(() => jestSelectorFactory.create(settings({}, { batchSize: 48 })))).toBe('--train-batch-size');
    expect(fieldOf(() => jestSelectorFactory.create(settings({ temperature: 2 })))).toBe('selectorOptions.temperature');
  });
});
