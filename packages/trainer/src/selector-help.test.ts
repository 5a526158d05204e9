import { describe, expect, it } from 'vitest';
import type { SelectorFactory } from '@sieve/core';
import type { SelectorRegistry } from '@sieve/engine';
import { selectorHelpText } from './selector-help';

const factory = (name: string, benchmarkOnly = false): SelectorFactory => ({ name, summary: `${name} summary`, benchmarkOnly, create: () => ({ name, select: async () => ({ indices: new Int32Array(0) }) }) });

function registryOf(factories: SelectorFactory[], missing: SelectorRegistry['missing']): SelectorRegistry {
  return { factories, missing, get: () => factories[0], pluginOf: () => 'test' };
}

describe('selectorHelpText', () => {
  it('lists each selector, marks the oracles, and names a built-in plugin that did not load with its reason', () => {
    const text = selectorHelpText(
      registryOf([factory('uniform'), factory('oracle-clean', true)], [{ plugin: '@sieve/selector-jest', reason: "Cannot find package '@sieve/selector-jest'" }]),
    );
    expect(text).toBe(
      '\nSelectors:\n' +
        '  uniform       uniform summary\n' +
        '  oracle-clean  oracle-clean summary  [benchmark reference, not for training runs]\n' +
        '\nNot available:\n' +
        "  @sieve/selector-jest did not load: Cannot find package '@sieve/selector-jest' (reinstall with `npm ci`)\n",
    );
  });

  it('says nothing about missing plugins when all loaded', () => {
    expect(selectorHelpText(registryOf([factory('uniform')], []))).toBe('\nSelectors:\n  uniform  uniform summary\n');
  });
});
