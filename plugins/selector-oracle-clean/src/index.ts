import { z } from 'zod';
import { defineSelector, type ScoringContext, type Selection } from '@sieve/core';

/** Tags of the examples a perfect noise filter would keep (docs/benchmark-protocol.md). */
export const ORACLE_KEPT_TAGS: readonly string[] = ['clean', 'duplicate'];

/**
 * A benchmark reference, not a selector for users: uniform over the candidates whose
 * ground-truth tag is `clean` or `duplicate`, i.e. what perfect noise filtering alone gives.
 * When the super-batch holds fewer than b of them it takes them all and fills the rest
 * uniformly from the other candidates, reporting how many in `filledFromNoisy`.
 */
export class OracleCleanSelector {
  async select(context: ScoringContext): Promise<Selection> {
    const { superBatchSize, batchSize, rng } = context;
    const tags = context.noiseTags();
    if (tags.length !== superBatchSize) {
      throw new Error(`got ${tags.length} noise tags for a super-batch of ${superBatchSize}`);
    }
    const kept: number[] = [];
    const noisy: number[] = [];
    for (let i = 0; i < superBatchSize; i++) (ORACLE_KEPT_TAGS.includes(tags[i]) ? kept : noisy).push(i);

    const fromKept = Math.min(batchSize, kept.length);
    const filledFromNoisy = batchSize - fromKept;
    const indices = new Int32Array(batchSize);
    rng.sampleWithoutReplacement(kept.length, fromKept).forEach((draw, slot) => (indices[slot] = kept[draw]));
    rng.sampleWithoutReplacement(noisy.length, filledFromNoisy).forEach((draw, slot) => (indices[fromKept + slot] = noisy[draw]));
    return { indices, diagnostics: { filledFromNoisy, cleanOrDuplicateCandidates: kept.length } };
  }
}

export default defineSelector({
  name: 'oracle-clean',
  summary: 'Benchmark reference: uniform over the examples tagged clean or duplicate (perfect noise filtering).',
  benchmarkOnly: true,
  seesNoiseTags: true,
  options: z.strictObject({}),
  create: () => new OracleCleanSelector(),
});
