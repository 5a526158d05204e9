import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory } from '@sieve/core';
import jestSelectorModule, { jestSelectorFactory } from './index';

describe('selector-jest plugin module', () => {
  it('binds its factory to SELECTOR_FACTORY, as the engine loads it', () => {
    const container = new Container();
    container.load(jestSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([jestSelectorFactory]);
    expect(factories[0].name).toBe('jest');
    expect(factories[0].seesNoiseTags).toBeFalsy();
  });
});
