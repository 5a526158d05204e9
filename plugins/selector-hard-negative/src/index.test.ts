import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory } from '@sieve/core';
import hardNegativeSelectorModule, { hardNegativeSelectorFactory } from './index';

describe('selector-hard-negative plugin module', () => {
  it('binds its factory to SELECTOR_FACTORY, as the engine loads it', () => {
    const container = new Container();
    container.load(hardNegativeSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([hardNegativeSelectorFactory]);
    expect(factories[0].name).toBe('hard-negative');
    expect(factories[0].seesNoiseTags).toBeFalsy();
  });
});
