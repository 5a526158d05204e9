import { z } from 'zod';
import { defineSelector } from '@sieve/core';

/**
 * `uniform`, the baseline every other selector is measured against: b distinct candidates drawn
 * uniformly from the super-batch with the step's seeded stream. It never asks for losses, so it
 * costs no scoring FLOPs.
 */
export default defineSelector({
  name: 'uniform',
  summary: 'b candidates uniformly at random from the super-batch (the baseline; scores nothing).',
  options: z.strictObject({}),
  create: () => ({
    select: async (context) => ({ indices: context.rng.sampleWithoutReplacement(context.superBatchSize, context.batchSize) }),
  }),
});
