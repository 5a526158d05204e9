import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { JointScoreSelector } from '@sieve/selection';
import hardNegativeSelectorModule, { hardNegativeSelectorFactory } from './index';

/** b = 32 of N = 160 (filter ratio 0.8) in 16 chunks, no selectorOptions: what the defaults give. */
const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };

describe('selector-hard-negative plugin module', () => {
  it("binds the factory the engine loads, which creates hard-negative with its documented defaults: joint sampling by the learner's loss alone, over the whole super-batch", async () => {
    const container = new Container();
    await container.load(hardNegativeSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([hardNegativeSelectorFactory]);
    expect(factories[0].name).toBe('hard-negative');
    expect(factories[0].benchmarkOnly).toBeUndefined();
    expect(factories[0].seesNoiseTags).toBeUndefined();
    const selector = factories[0].create(SETTINGS);
    expect(selector).toBeInstanceOf(JointScoreSelector);
    expect(selector.name).toBe('hard-negative');
    expect((selector as JointScoreSelector).options).toEqual({ mode: 'sample', score: 'hard-learner', chunks: 16, resolution: 'fine', prefilter: 1, learnerSteps: null });
  });
});
