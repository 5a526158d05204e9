import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory } from '@sieve/core';
import plugin, { diverseLearnabilitySelectorFactory } from './index';

describe('selector-diverse-learnability plugin module', () => {
  it('binds its factory to SELECTOR_FACTORY, as the engine loads it', () => {
    const container = new Container();
    container.load(plugin);
    expect(container.getAll<SelectorFactory>(SELECTOR_FACTORY)).toEqual([diverseLearnabilitySelectorFactory]);
    expect(diverseLearnabilitySelectorFactory.seesNoiseTags).toBeFalsy();
  });
});
