import { describe, expect, it } from 'vitest';
import { selectorFactoryOf } from '@sieve/selection';
import { describeSelectorConformance, fixedScoringContext, liveTensorCount, selectionProblems, selectorSettings, userErrorField } from '@sieve/selection/testing';
import uniform from './index';

describeSelectorConformance(uniform);

const uniformSelectorFactory = selectorFactoryOf(uniform);
const settings = selectorSettings({}, { batchSize: 4, superBatchSize: 10, chunks: 2 });

describe('uniform selector', () => {
  it('returns b distinct indices in [0, N), reproducibly for a seed, without asking for losses or tensors', async () => {
    const selector = uniformSelectorFactory.create(settings);
    const tensorsBefore = await liveTensorCount();
    const draws: number[][] = [];
    for (const seed of [1, 1, 2]) {
      const context = fixedScoringContext({ batchSize: 4, superBatchSize: 10, seed, step: 3 });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 10, 4)).toEqual([]);
      expect(context.lossRequests).toEqual([]);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('includes every candidate equally often', async () => {
    // Each of N = 10 candidates is in a batch of 4 with probability 0.4; over 2,000 steps the
    // count is Binomial(2000, 0.4): mean 800, sd sqrt(2000 * 0.4 * 0.6) = 21.9. Allow 5 sd.
    const selector = uniformSelectorFactory.create(settings);
    const counts = new Array<number>(10).fill(0);
    for (let step = 1; step <= 2000; step++) {
      const { indices } = await selector.select(fixedScoringContext({ batchSize: 4, superBatchSize: 10, seed: 7, step }));
      for (const index of indices) counts[index]++;
    }
    for (const count of counts) expect(Math.abs(count - 800)).toBeLessThan(5 * 21.9);
  });

  it('takes the whole super-batch when b = N', async () => {
    const selector = uniformSelectorFactory.create({ ...settings, batchSize: 10 });
    const { indices } = await selector.select(fixedScoringContext({ batchSize: 10, superBatchSize: 10 }));
    expect(Array.from(indices).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('rejects a batch larger than the super-batch and options it does not have', () => {
    expect(userErrorField(() => uniformSelectorFactory.create({ ...settings, batchSize: 11 }))).toBe('--train-batch-size');
    expect(userErrorField(() => uniformSelectorFactory.create({ ...settings, options: { mode: 'greedy' } }))).toBe('selectorOptions.mode');
    expect([uniform.name, uniform.benchmarkOnly, uniform.seesNoiseTags]).toEqual(['uniform', undefined, undefined]);
  });
});

