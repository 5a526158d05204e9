import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import type { RunConfig } from '@sieve/core';
import { prepareReference, referenceCacheDir } from '@sieve/engine';
import type { ReferenceRecord } from './analysis';
import { withReferenceSession } from './reference-session';

/**
 * Trains the reference model of `config` from scratch (a cached copy is deleted first, so that its
 * cost is measured, not read) into its cache folder, and writes what it cost to `recordPath`.
 */
export async function runReference(config: RunConfig, recordPath: string, write: (line: string) => void): Promise<ReferenceRecord> {
  return withReferenceSession(config, write, async ({ backend, dataset, spec, cacheKey, meter, ledger, events }) => {
    await rm(referenceCacheDir(config, cacheKey), { recursive: true, force: true });
    const result = await prepareReference(config, spec, dataset, ledger, events);
    const sources = meter?.sources().filter((source) => source.available) ?? [];
    const record: ReferenceRecord = {
      seed: config.seed,
      cacheKey: result.cacheKey,
      trainingFlops: result.trainingFlops,
      embeddingFlops: result.embeddingFlops,
      trainingSeconds: result.trainingSeconds,
      embeddingSeconds: result.embeddingSeconds,
      trainingJoules: meter ? ledger.joules['reference-training'] : null,
      embeddingJoules: meter ? ledger.joules['reference-embedding'] : null,
      energyKind: meter ? (sources.length > 0 && sources.every((s) => s.measured) && ledger.allMeasured ? 'measured' : 'estimated') : null,
      backend: backend.name,
    };
    mkdirSync(dirname(recordPath), { recursive: true });
    await writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);
    return record;
  });
}
