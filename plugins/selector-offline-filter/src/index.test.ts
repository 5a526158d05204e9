import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { OfflineFilterSelector } from './offline-filter-selector';
import offlineFilterSelectorModule, { offlineFilterSelectorFactory } from './index';

/** b = 32 of N = 160 (filter ratio 0.8) in 16 chunks, no selectorOptions: what the defaults give. */
const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };

describe('selector-offline-filter plugin module', () => {
  it('binds the factory the engine loads, a baseline that sees no noise tags, which keeps b / N of the pool by default (1 - filter ratio)', async () => {
    const container = new Container();
    await container.load(offlineFilterSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([offlineFilterSelectorFactory]);
    expect(factories[0].name).toBe('offline-filter');
    expect(factories[0].benchmarkOnly).toBe(true);
    expect(factories[0].seesNoiseTags).toBeUndefined();
    const selector = factories[0].create(SETTINGS);
    expect(selector).toBeInstanceOf(OfflineFilterSelector);
    expect(selector.name).toBe('offline-filter');
    expect((selector as OfflineFilterSelector).keep).toBe(0.2);
  });
});
