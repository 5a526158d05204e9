import { describe, expect, it } from 'vitest';
import type { SelectorSettings } from '@sieve/core';
import { selectorFactoryOf } from '@sieve/selection';
import { describeSelectorConformance, fixedScoringContext, liveTensorCount, selectionProblems, selectorSettings, userErrorField as field } from '@sieve/selection/testing';
import oracleClean, { ORACLE_KEPT_TAGS } from './index';

describeSelectorConformance(oracleClean);

const oracleCleanSelectorFactory = selectorFactoryOf(oracleClean);

// b = 4 of N = 10 in 2 chunks.
const settings = (options: Record<string, unknown> = {}, overrides: Partial<SelectorSettings> = {}): SelectorSettings =>
  selectorSettings(options, { batchSize: 4, superBatchSize: 10, chunks: 2, ...overrides });

// Candidates 0-4 are kept by the oracle (clean or duplicate), 5-9 are noise.
const tags = ['clean', 'duplicate', 'clean', 'clean', 'duplicate', 'junk', 'mismatched', 'junk', 'mismatched', 'junk'];

describe('oracle-clean selector', () => {
  it('chooses only clean and duplicate candidates when there are enough, reproducibly, without losses or tensors', async () => {
    const selector = oracleCleanSelectorFactory.create(settings());
    const tensorsBefore = await liveTensorCount();
    const draws: number[][] = [];
    for (const seed of [1, 1, 2]) {
      const context = fixedScoringContext({ batchSize: 4, noiseTags: tags, seesNoiseTags: true, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 10, 4)).toEqual([]);
      for (const index of selection.indices) expect(index).toBeLessThan(5);
      expect(selection.diagnostics).toEqual({ filledFromNoisy: 0, cleanOrDuplicateCandidates: 5 });
      expect(context.lossRequests).toEqual([]);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('is uniform over the kept candidates', async () => {
    // 4 of 5 kept candidates per step: each is in with probability 0.8. Over 2,000 steps the
    // count is Binomial(2000, 0.8): mean 1600, sd sqrt(2000 * 0.8 * 0.2) = 17.9. Allow 5 sd.
    const selector = oracleCleanSelectorFactory.create(settings());
    const counts = new Array<number>(5).fill(0);
    for (let step = 1; step <= 2000; step++) {
      const context = fixedScoringContext({ batchSize: 4, noiseTags: tags, seesNoiseTags: true, seed: 3, step });
      for (const index of (await selector.select(context)).indices) counts[index]++;
    }
    for (const count of counts) expect(Math.abs(count - 1600)).toBeLessThan(5 * 17.9);
  });

  it('takes every kept candidate and fills the rest from the others when too few are kept, reporting how many', async () => {
    const selector = oracleCleanSelectorFactory.create(settings({}, { batchSize: 8 }));
    const context = fixedScoringContext({ batchSize: 8, noiseTags: tags, seesNoiseTags: true });
    const selection = await selector.select(context);
    expect(selectionProblems(selection, 10, 8)).toEqual([]);
    // All five kept candidates, then 8 - 5 = 3 of the noisy ones.
    expect(Array.from(selection.indices.subarray(0, 5)).sort()).toEqual([0, 1, 2, 3, 4]);
    for (const index of selection.indices.subarray(5)) expect(index).toBeGreaterThanOrEqual(5);
    expect(selection.diagnostics).toEqual({ filledFromNoisy: 3, cleanOrDuplicateCandidates: 5 });

    const allNoisy = fixedScoringContext({ batchSize: 2, noiseTags: ['junk', 'junk', 'mismatched'], seesNoiseTags: true });
    const fallback = await oracleCleanSelectorFactory.create(settings({}, { batchSize: 2, superBatchSize: 3 })).select(allNoisy);
    expect(selectionProblems(fallback, 3, 2)).toEqual([]);
    expect(fallback.diagnostics).toEqual({ filledFromNoisy: 2, cleanOrDuplicateCandidates: 0 });
  });

  it('rejects options it does not have and a batch larger than the super-batch', () => {
    expect(field(() => oracleCleanSelectorFactory.create(settings({ keep: ['clean'] })))).toBe('selectorOptions.keep');
    expect(field(() => oracleCleanSelectorFactory.create(settings({}, { batchSize: 11 })))).toBe('--train-batch-size');
  });

  it('is a benchmark reference that sees noise tags and keeps the candidates tagged clean or duplicate', () => {
    expect([oracleClean.name, oracleClean.benchmarkOnly, oracleClean.seesNoiseTags]).toEqual(['oracle-clean', true, true]);
    expect(ORACLE_KEPT_TAGS).toEqual(['clean', 'duplicate']);
  });
});
