import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory } from '@sieve/core';
import uniformSelectorModule, { uniformSelectorFactory } from './index';

describe('selector-uniform plugin module', () => {
  it('binds its factory to SELECTOR_FACTORY, as the engine loads it', () => {
    const container = new Container();
    container.load(uniformSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([uniformSelectorFactory]);
    expect(factories[0].name).toBe('uniform');
    expect(factories[0].seesNoiseTags).toBeFalsy();
  });
});
