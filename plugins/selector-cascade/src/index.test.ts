import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { SELECTOR_FACTORY, type SelectorFactory } from '@sieve/core';
import cascadeSelectorModule, { cascadeSelectorFactory } from './index';

describe('selector-cascade plugin module', () => {
  it('binds its factory to SELECTOR_FACTORY, as the engine loads it', () => {
    const container = new Container();
    container.load(cascadeSelectorModule);
    const factories = container.getAll<SelectorFactory>(SELECTOR_FACTORY);
    expect(factories).toEqual([cascadeSelectorFactory]);
    expect(factories[0].name).toBe('cascade');
    expect(factories[0].seesNoiseTags).toBeFalsy();
  });
});
