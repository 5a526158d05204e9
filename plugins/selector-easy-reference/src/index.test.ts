import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { JointScoreSelector } from '@sieve/selection';
import easyReferenceSelectorModule, { easyReferenceSelectorFactory } from './index';

/** b = 32 of N = 160 (filter ratio 0.8) in 16 chunks, no selectorOptions: what the defaults give. */
const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };

describe('selector-easy-reference plugin module', () => {
  it('binds the factory the engine loads, which creates easy-reference with its documented defaults: joint sampling by the negated reference loss, over the whole super-batch', async () => {
    const container = new Container();
    await container.load(easyReferenceSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([easyReferenceSelectorFactory]);
    expect(factories[0].name).toBe('easy-reference');
    expect(factories[0].benchmarkOnly).toBeUndefined();
    expect(factories[0].seesNoiseTags).toBeUndefined();
    const selector = factories[0].create(SETTINGS);
    expect(selector).toBeInstanceOf(JointScoreSelector);
    expect(selector.name).toBe('easy-reference');
    expect((selector as JointScoreSelector).options).toEqual({ mode: 'sample', score: 'easy-reference', chunks: 16, resolution: 'fine', prefilter: 1, learnerSteps: null });
  });
});
