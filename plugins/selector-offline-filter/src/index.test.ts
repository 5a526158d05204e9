import { describe, expect, it } from 'vitest';
import type { SelectorSettings } from '@sieve/core';
import { selectorFactoryOf } from '@sieve/selection';
import { describeSelectorConformance, fixedScoringContext, liveTensorCount, selectionProblems, selectorSettings, userErrorField as field } from '@sieve/selection/testing';
import offlineFilter, { type OfflineFilterSelector, keptPoolMask } from './index';

describeSelectorConformance(offlineFilter, { badOptions: [{ options: { keep: 0 }, field: 'selectorOptions.keep' }] });

const offlineFilterSelectorFactory = selectorFactoryOf(offlineFilter);

// b = 4 of N = 10 in 2 chunks, so keep defaults to b / N = 0.4.
const settings = (options: Record<string, unknown> = {}, overrides: Partial<SelectorSettings> = {}): SelectorSettings =>
  selectorSettings(options, { batchSize: 4, superBatchSize: 10, chunks: 2, ...overrides });

// A pool of 10 with known reference losses. By ascending loss: 1 (0.1), 5 (0.2), 3 (0.4), 8 (0.8),
// 0 (0.9), 6 (1.7), 2 (2.5), 4 (3.0), 9 (4.4), 7 (5.0); keep = 0.3 keeps pool examples 1, 5 and 3.
const poolReferenceLosses = Float32Array.from([0.9, 0.1, 2.5, 0.4, 3.0, 0.2, 1.7, 5.0, 0.8, 4.4]);
// A super-batch of six of them: the kept ones are candidates 1 (pool 5), 3 (pool 1) and 5 (pool 3).
const candidatePoolIndices = Int32Array.from([7, 5, 0, 1, 9, 3]);

const sorted = (indices: Int32Array) => Array.from(indices).sort((a, b) => a - b);

describe('offline-filter selector', () => {
  it('keeps the round(keep x pool) examples of lowest reference loss, ties to the lower index', () => {
    const kept = (losses: Float32Array, keep: number) => Array.from(keptPoolMask(losses, keep).entries()).filter(([, k]) => k).map(([i]) => i);
    expect(kept(poolReferenceLosses, 0.3)).toEqual([1, 3, 5]);
    expect(kept(poolReferenceLosses, 0.4)).toEqual([1, 3, 5, 8]);
    expect(kept(poolReferenceLosses, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(kept(poolReferenceLosses, 0.01)).toEqual([1]); // at least one
    expect(kept(Float32Array.from([2, 1, 1, 1]), 0.5)).toEqual([1, 2]);
  });

  it('trains on exactly the kept set when the super-batch is the pool, without losses or tensors', async () => {
    const tensorsBefore = await liveTensorCount();
    const selector = offlineFilterSelectorFactory.create(settings({ keep: 0.3 }, { batchSize: 3 }));
    const context = fixedScoringContext({ batchSize: 3, superBatchSize: 10, poolReferenceLosses });
    const selection = await selector.select(context);
    expect(selectionProblems(selection, 10, 3)).toEqual([]);
    expect(sorted(selection.indices)).toEqual([1, 3, 5]);
    expect(selection.diagnostics).toEqual({ keptCandidates: 3, filledBeyondThreshold: 0 });
    expect(context.lossRequests).toEqual([]);
    expect(context.poolLossRequests).toBe(1);
    expect(await liveTensorCount()).toBe(tensorsBefore);

    // keep defaults to b / N = 4 / 10: the four lowest.
    const byDefault = await offlineFilterSelectorFactory.create(settings()).select(fixedScoringContext({ batchSize: 4, superBatchSize: 10, poolReferenceLosses }));
    expect(sorted(byDefault.indices)).toEqual([1, 3, 5, 8]);
  });

  it('chooses only kept candidates of the super-batch when there are enough, reproducibly, never asking for learner losses', async () => {
    const selector = offlineFilterSelectorFactory.create(settings({ keep: 0.3 }, { batchSize: 2, superBatchSize: 6 }));
    const draws: number[][] = [];
    for (const seed of [1, 1, 2, 3]) {
      const context = fixedScoringContext({ batchSize: 2, poolReferenceLosses, candidatePoolIndices, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 6, 2)).toEqual([]);
      for (const index of selection.indices) expect([1, 3, 5]).toContain(index);
      expect(selection.diagnostics).toEqual({ keptCandidates: 3, filledBeyondThreshold: 0 });
      expect(context.lossRequests).toEqual([]);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(new Set(draws.map((d) => d.join())).size).toBeGreaterThan(1);
  });

  it('is uniform over the kept candidates', async () => {
    // 2 of 3 kept candidates per step: each is in with probability 2/3. Over 2,000 steps the count
    // is Binomial(2000, 2/3): mean 1333.3, sd sqrt(2000 * 2/3 * 1/3) = 21.1. Allow 5 sd.
    const selector = offlineFilterSelectorFactory.create(settings({ keep: 0.3 }, { batchSize: 2, superBatchSize: 6 }));
    const counts = new Array<number>(6).fill(0);
    for (let step = 1; step <= 2000; step++) {
      const context = fixedScoringContext({ batchSize: 2, poolReferenceLosses, candidatePoolIndices, seed: 3, step });
      for (const index of (await selector.select(context)).indices) counts[index]++;
    }
    for (const kept of [1, 3, 5]) expect(Math.abs(counts[kept] - 4000 / 3)).toBeLessThan(5 * 21.1);
    for (const other of [0, 2, 4]) expect(counts[other]).toBe(0);
  });

  it('takes every kept candidate and fills the rest by lowest reference loss when too few are kept', async () => {
    const fill = async (batchSize: number, pool: Int32Array, seed: number) => {
      const selector = offlineFilterSelectorFactory.create(settings({ keep: 0.3 }, { batchSize, superBatchSize: pool.length }));
      const context = fixedScoringContext({ batchSize, poolReferenceLosses, candidatePoolIndices: pool, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, pool.length, batchSize)).toEqual([]);
      expect(context.lossRequests).toEqual([]);
      return selection;
    };
    // b = 4: kept candidates 1, 3, 5, then the rest's lowest, candidate 2 (pool 0, loss 0.9).
    const four = await fill(4, candidatePoolIndices, 1);
    expect(sorted(four.indices.subarray(0, 3))).toEqual([1, 3, 5]);
    expect(four.indices[3]).toBe(2);
    expect(four.diagnostics).toEqual({ keptCandidates: 3, filledBeyondThreshold: 1 });
    // b = 6: the fill in loss order, 2 (0.9), 4 (pool 9, 4.4), 0 (pool 7, 5.0), for any seed.
    for (const seed of [1, 2]) {
      const six = await fill(6, candidatePoolIndices, seed);
      expect(Array.from(six.indices.subarray(3))).toEqual([2, 4, 0]);
      expect(six.diagnostics).toEqual({ keptCandidates: 3, filledBeyondThreshold: 3 });
    }
    // Nothing kept in pool examples 7, 9, 4, 2: the two of lowest loss, pool 2 (2.5) then pool 4 (3.0).
    const none = await fill(2, Int32Array.from([7, 9, 4, 2]), 1);
    expect(Array.from(none.indices)).toEqual([3, 2]);
    expect(none.diagnostics).toEqual({ keptCandidates: 0, filledBeyondThreshold: 2 });
  });

  it('validates keep, rejects options it does not have and a batch larger than the super-batch', () => {
    for (const keep of [0, -0.1, 1.5, Number.NaN, '0.3', null]) {
      expect(field(() => offlineFilterSelectorFactory.create(settings({ keep })))).toBe('selectorOptions.keep');
    }
    expect(field(() => offlineFilterSelectorFactory.create(settings({ keep: 1 })))).toBeUndefined();
    expect(field(() => offlineFilterSelectorFactory.create(settings({ threshold: 2 })))).toBe('selectorOptions.threshold');
    expect(field(() => offlineFilterSelectorFactory.create(settings({}, { batchSize: 11 })))).toBe('--train-batch-size');
  });

  it('is a benchmark baseline that sees no noise tags, and keeps b / N of the pool by default (1 - filter ratio)', () => {
    expect([offlineFilter.name, offlineFilter.benchmarkOnly, offlineFilter.seesNoiseTags]).toEqual(['offline-filter', true, undefined]);
    const defaults = selectorSettings({}, { batchSize: 32, superBatchSize: 160, chunks: 16 });
    expect((offlineFilter.create(offlineFilter.options.parse({}), defaults) as OfflineFilterSelector).keep).toBe(0.2);
  });
});
