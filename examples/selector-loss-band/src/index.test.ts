import { describe, expect, it } from 'vitest';
import { UserInputError, type LossMatrix } from '@sieve/core';
import { selectorFactoryOf } from '@sieve/selection';
import { describeSelectorConformance, fixedScoringContext, selectionProblems } from '@sieve/selection/testing';
import { loadSelectorRegistry } from '@sieve/engine';
import lossBand from './index';

describeSelectorConformance(lossBand, {
  badOptions: [
    { options: { low: 0.9, high: 0.1 }, field: 'selectorOptions.high' },
    { options: { high: 'all' }, field: 'selectorOptions.high' },
    { options: { low: -0.1 }, field: 'selectorOptions.low' },
  ],
});

const lossBandSelectorFactory = selectorFactoryOf(lossBand);

const settings = (options: Record<string, unknown> = {}) => ({
  task: 'classification' as const,
  batchSize: 3,
  superBatchSize: 10,
  chunks: 1,
  seed: 0,
  options,
});

// Per-example losses 0..9 for candidates 0..9: the band [0.2, 0.8) keeps losses 2..7.
const losses: LossMatrix = { kind: 'per-example', size: 10, values: Float32Array.from({ length: 10 }, (_, i) => i) };

describe('loss-band example selector', () => {
  it('samples b distinct candidates from the middle of the loss distribution', async () => {
    const selector = lossBandSelectorFactory.create(settings());
    for (let seed = 0; seed < 20; seed++) {
      const selection = await selector.select(fixedScoringContext({ batchSize: 3, learner: losses, seed }));
      expect(selectionProblems(selection, 10, 3)).toEqual([]);
      for (const index of selection.indices) expect(index >= 2 && index <= 7).toBe(true);
      expect(selection.diagnostics?.bandSize).toBe(6);
    }
  });

  it('rejects a band that is not 0 <= low < high <= 1', () => {
    expect(() => lossBandSelectorFactory.create(settings({ low: 0.9, high: 0.1 }))).toThrow(UserInputError);
    expect(() => lossBandSelectorFactory.create(settings({ low: 0.9, high: 0.1 }))).toThrow('selectorOptions.high: must be above low (0 <= low < high <= 1)');
    expect(() => lossBandSelectorFactory.create(settings({ width: 1 }))).toThrow(/selectorOptions.width/);
  });

  it('loads as a plugin by path, next to the built-in selectors', async () => {
    const registry = await loadSelectorRegistry(['./examples/selector-loss-band/src/index.ts'.replace('./examples', `${import.meta.dirname}/../..`)]);
    expect(registry.get('loss-band').summary).toMatch(/Example plugin/);
    expect(registry.get('jest').name).toBe('jest');
  });
});
