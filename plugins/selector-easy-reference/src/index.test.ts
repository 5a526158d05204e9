import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory } from '@sieve/core';
import easyReferenceSelectorModule, { easyReferenceSelectorFactory } from './index';

describe('selector-easy-reference plugin module', () => {
  it('binds its factory to SELECTOR_FACTORY, as the engine loads it', () => {
    const container = new Container();
    container.load(easyReferenceSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([easyReferenceSelectorFactory]);
    expect(factories[0].name).toBe('easy-reference');
    expect(factories[0].seesNoiseTags).toBeFalsy();
  });
});
