import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { RunEvents, type RunConfig } from '@sieve/core';
import { initBackend } from '@sieve/tensor';
import { loadDataset } from '@sieve/data';
import { PhaseLedger, modelSpecOf, prepareReference, referenceCacheDir, referenceCacheKey } from '@sieve/engine';
import { createEnergyMeter } from '@sieve/energy';
import type { ReferenceRecord } from '@sieve/tools';

/**
 * Trains the reference model of `config` from scratch (a cached copy is deleted first, so that its
 * cost is measured, not read) into its cache folder, and writes what it cost to `recordPath`.
 */
export async function runReference(config: RunConfig, recordPath: string, write: (line: string) => void): Promise<ReferenceRecord> {
  const backend = await initBackend(config.backend);
  const { dataset } = await loadDataset(config);
  const spec = modelSpecOf(config, dataset);
  const cacheKey = referenceCacheKey(config, spec, dataset);
  await rm(referenceCacheDir(config, cacheKey), { recursive: true, force: true });
  const meter = config.energy.enabled ? createEnergyMeter({ sampleIntervalMs: config.energy.sampleIntervalMs, wattsPerCore: config.energy.wattsPerCore }) : null;
  await meter?.start();
  const events = new RunEvents();
  events.subscribe((event) => {
    if (event.type === 'log') write(event.message);
  });
  const ledger = new PhaseLedger(meter);
  try {
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
  } finally {
    await meter?.stop();
  }
}
