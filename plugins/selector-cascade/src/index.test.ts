import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { JointScoreSelector } from '@sieve/selection';
import cascadeSelectorModule, { cascadeSelectorFactory } from './index';

/** b = 32 of N = 160 (filter ratio 0.8) in 16 chunks, no selectorOptions: what the defaults give. */
const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };

describe('selector-cascade plugin module', () => {
  it("binds the factory the engine loads, which creates cascade with its documented defaults: the reference keeps 70% of the super-batch, then joint sampling by the reference's score", async () => {
    const container = new Container();
    await container.load(cascadeSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([cascadeSelectorFactory]);
    expect(factories[0].name).toBe('cascade');
    expect(factories[0].benchmarkOnly).toBeUndefined();
    expect(factories[0].seesNoiseTags).toBeUndefined();
    const selector = factories[0].create(SETTINGS);
    expect(selector).toBeInstanceOf(JointScoreSelector);
    expect(selector.name).toBe('cascade');
    expect((selector as JointScoreSelector).options).toEqual({ mode: 'sample', score: 'easy-reference', chunks: 16, resolution: 'fine', prefilter: 0.7, learnerSteps: null });
  });
});
