import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory } from '@sieve/core';
import offlineFilterSelectorModule, { offlineFilterSelectorFactory } from './index';

describe('selector-offline-filter plugin module', () => {
  it('binds its factory to SELECTOR_FACTORY, marked as a baseline that does not see noise tags', () => {
    const container = new Container();
    container.load(offlineFilterSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([offlineFilterSelectorFactory]);
    expect(factories[0].name).toBe('offline-filter');
    expect(factories[0].benchmarkOnly).toBe(true);
    expect(factories[0].seesNoiseTags).toBeUndefined();
  });
});
