import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { JointScoreSelector } from '@sieve/selection';
import jestSelectorModule, { jestSelectorFactory } from './index';

/** b = 32 of N = 160 (filter ratio 0.8) in 16 chunks, no selectorOptions: what the defaults give. */
const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };

describe('selector-jest plugin module', () => {
  it("binds the factory the engine loads, which creates jest with its documented defaults: joint sampling by learnability over the whole super-batch, in the run's chunks, the learner scoring fine", async () => {
    const container = new Container();
    await container.load(jestSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([jestSelectorFactory]);
    expect(factories[0].name).toBe('jest');
    expect(factories[0].benchmarkOnly).toBeUndefined();
    expect(factories[0].seesNoiseTags).toBeUndefined();
    const selector = factories[0].create(SETTINGS);
    expect(selector).toBeInstanceOf(JointScoreSelector);
    expect(selector.name).toBe('jest');
    expect((selector as JointScoreSelector).options).toEqual({ mode: 'sample', score: 'learnability', chunks: 16, resolution: 'fine', prefilter: 1, learnerSteps: null });
  });
});
