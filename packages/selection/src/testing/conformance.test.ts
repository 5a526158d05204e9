import { z } from 'zod';
import { defineSelector, type SelectorFactory } from '@sieve/core';
import { describeSelectorConformance } from './conformance';

/** The smallest selector that meets the contract: the first b candidates, `offset` places on. */
const firstB = defineSelector({
  name: 'first-b',
  summary: 'The first b candidates.',
  options: z.strictObject({ offset: z.int().min(0).default(0) }),
  create: ({ offset }) => ({
    select: async (context) => ({ indices: Int32Array.from({ length: context.batchSize }, (_, i) => (i + offset) % context.superBatchSize) }),
  }),
});

// A plugin, with an option of its own refused when bad.
describeSelectorConformance(firstB, { options: { offset: 1 }, badOptions: [{ options: { offset: -1 }, field: 'selectorOptions.offset' }] });

// A factory of the inversify form, which checks its options itself.
const legacy: SelectorFactory = {
  name: 'first-b-factory',
  summary: 'The first b candidates.',
  create(settings) {
    const unknown = Object.keys(settings.options)[0];
    if (unknown !== undefined) throw Object.assign(new Error(`no option ${unknown}`), { name: 'UserInputError', field: `selectorOptions.${unknown}` });
    return { name: 'first-b-factory', select: async (context) => ({ indices: Int32Array.from({ length: context.batchSize }, (_, i) => i) }) };
  },
};
describeSelectorConformance(legacy);
