import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import { ORACLE_KEPT_TAGS, OracleCleanSelector } from './oracle-clean-selector';
import oracleCleanSelectorModule, { oracleCleanSelectorFactory } from './index';

/** b = 32 of N = 160 (filter ratio 0.8) in 16 chunks, no selectorOptions: what the defaults give. */
const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };

describe('selector-oracle-clean plugin module', () => {
  it('binds the factory the engine loads, a benchmark reference that sees noise tags and keeps the candidates tagged clean or duplicate', async () => {
    const container = new Container();
    await container.load(oracleCleanSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([oracleCleanSelectorFactory]);
    expect(factories[0].name).toBe('oracle-clean');
    expect(factories[0].benchmarkOnly).toBe(true);
    expect(factories[0].seesNoiseTags).toBe(true);
    const selector = factories[0].create(SETTINGS);
    expect(selector).toBeInstanceOf(OracleCleanSelector);
    expect(selector.name).toBe('oracle-clean');
    expect(ORACLE_KEPT_TAGS).toEqual(['clean', 'duplicate']);
  });
});
