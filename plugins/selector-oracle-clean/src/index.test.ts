import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory } from '@sieve/core';
import oracleCleanSelectorModule, { oracleCleanSelectorFactory } from './index';

describe('selector-oracle-clean plugin module', () => {
  it('binds its factory to SELECTOR_FACTORY, marked as a benchmark reference that sees noise tags', () => {
    const container = new Container();
    container.load(oracleCleanSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([oracleCleanSelectorFactory]);
    expect(factories[0].name).toBe('oracle-clean');
    expect(factories[0].seesNoiseTags).toBe(true);
    expect(factories[0].benchmarkOnly).toBe(true);
  });
});
