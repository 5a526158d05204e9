import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { FlexiJestSelector } from './flexi-jest-selector';
import flexiJestSelectorModule, { flexiJestSelectorFactory } from './index';

/** b = 32 of N = 160 (filter ratio 0.8) in 16 chunks, no selectorOptions: what the defaults give. */
const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };

describe('selector-flexi-jest plugin module', () => {
  it('binds the factory the engine loads, which creates flexi-jest with its documented defaults: scoring coarse, half of each batch trained coarse, the coarse/fine correlation every 10 steps', async () => {
    const container = new Container();
    await container.load(flexiJestSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([flexiJestSelectorFactory]);
    expect(factories[0].name).toBe('flexi-jest');
    expect(factories[0].benchmarkOnly).toBeUndefined();
    expect(factories[0].seesNoiseTags).toBeUndefined();
    const selector = factories[0].create(SETTINGS);
    expect(selector).toBeInstanceOf(FlexiJestSelector);
    expect(selector.name).toBe('flexi-jest');
    expect((selector as FlexiJestSelector).options).toEqual({ mode: 'sample', chunks: 16, scoringResolution: 'coarse', coarseTrainingFraction: 0.5, correlationEvery: 10 });
  });
});
