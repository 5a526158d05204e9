import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { UniformSelector } from './uniform-selector';
import uniformSelectorModule, { uniformSelectorFactory } from './index';

/** b = 32 of N = 160 (filter ratio 0.8) in 16 chunks, no selectorOptions: what the defaults give. */
const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };

describe('selector-uniform plugin module', () => {
  it('binds the factory the engine loads, which creates uniform, a selector with no options', async () => {
    const container = new Container();
    await container.load(uniformSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([uniformSelectorFactory]);
    expect(factories[0].name).toBe('uniform');
    expect(factories[0].benchmarkOnly).toBeUndefined();
    expect(factories[0].seesNoiseTags).toBeUndefined();
    const selector = factories[0].create(SETTINGS);
    expect(selector).toBeInstanceOf(UniformSelector);
    expect(selector.name).toBe('uniform');
  });
});
