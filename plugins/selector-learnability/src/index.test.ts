import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory } from '@sieve/core';
import learnabilitySelectorModule, { learnabilitySelectorFactory } from './index';

describe('selector-learnability plugin module', () => {
  it('binds its factory to SELECTOR_FACTORY, as the engine loads it', () => {
    const container = new Container();
    container.load(learnabilitySelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([learnabilitySelectorFactory]);
    expect(factories[0].name).toBe('learnability');
    expect(factories[0].seesNoiseTags).toBeFalsy();
  });
});
