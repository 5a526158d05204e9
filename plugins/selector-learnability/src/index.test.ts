import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { LearnabilitySelector } from './learnability-selector';
import learnabilitySelectorModule, { learnabilitySelectorFactory } from './index';

/** b = 32 of N = 160 (filter ratio 0.8) in 16 chunks, no selectorOptions: what the defaults give. */
const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };

describe('selector-learnability plugin module', () => {
  it('binds the factory the engine loads, which creates learnability with its documented default: the learner scores at the fine resolution', async () => {
    const container = new Container();
    await container.load(learnabilitySelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([learnabilitySelectorFactory]);
    expect(factories[0].name).toBe('learnability');
    expect(factories[0].benchmarkOnly).toBeUndefined();
    expect(factories[0].seesNoiseTags).toBeUndefined();
    const selector = factories[0].create(SETTINGS);
    expect(selector).toBeInstanceOf(LearnabilitySelector);
    expect(selector.name).toBe('learnability');
    expect((selector as LearnabilitySelector).resolution).toBe('fine');
  });
});
