import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { RunEvents, UserInputError } from '@sieve/core';
import { initBackend } from '@sieve/tensor';
import { loadDataset } from '@sieve/data';
import { PhaseLedger, embedReferenceShard, modelSpecOf, referenceCacheKey, trainReferenceModel } from '@sieve/engine';
import { createEnergyMeter } from '@sieve/energy';
import { readEmbedPlan, type EmbedPlan } from './embed-plan';

/** What one task cost, as `<work>/tasks/<name>.json` records it (joules where a meter ran). */
export interface EmbedTaskRecord {
  name: string;
  rows: number;
  seconds: number;
  flops: number;
  joules: number | null;
  backend: string;
  /** Already in the cache: nothing was computed. */
  reused: boolean;
}

export type EmbedTask = { train: true } | { shard: number };

export const taskRecordPath = (workDir: string, name: string) => join(workDir, 'tasks', `${name}.json`);

/**
 * Runs one task of the embedding in `workDir` in this process: the worker of both engines (a
 * child process of the local pool, or a Slurm array task whose id is the shard). Returns the exit
 * code: 0 done or already done, 2 when a shard's reference is not trained yet.
 */
export async function runEmbedTask(workDir: string, task: EmbedTask, write: (line: string) => void): Promise<number> {
  const plan = readEmbedPlan(workDir);
  const { config } = plan;
  const backend = await initBackend(config.backend);
  const { dataset } = await loadDataset(config);
  const spec = modelSpecOf(config, dataset);
  const cacheKey = referenceCacheKey(config, spec, dataset);
  if (cacheKey !== plan.cacheKey) {
    throw new UserInputError('--work', `the data changed since the plan in ${workDir} was written (reference ${cacheKey}, planned ${plan.cacheKey}); run embed-reference again.`);
  }
  const meter = config.energy.enabled ? createEnergyMeter({ sampleIntervalMs: config.energy.sampleIntervalMs, wattsPerCore: config.energy.wattsPerCore }) : null;
  await meter?.start();
  const events = new RunEvents();
  events.subscribe((event) => {
    if (event.type === 'log') write(event.message);
  });
  const ledger = new PhaseLedger(meter);
  try {
    const record = 'train' in task ? await train(plan, ledger, events, backend.name) : await embed(plan, task.shard, ledger, events, backend.name);
    mkdirSync(join(workDir, 'tasks'), { recursive: true });
    await writeFileAtomic(taskRecordPath(workDir, record.name), `${JSON.stringify(record, null, 2)}\n`);
    write(
      record.reused
        ? `${record.name}: already in the cache ${plan.cacheDir}`
        : `${record.name}: ${record.rows > 0 ? `${record.rows} rows in ` : ''}${record.seconds.toFixed(1)} s${record.joules !== null ? `, ${record.joules.toFixed(0)} J` : ''}`,
    );
    return 0;
  } finally {
    await meter?.stop();
  }

  async function train(plan: EmbedPlan, ledger: PhaseLedger, events: RunEvents, backendName: string): Promise<EmbedTaskRecord> {
    const trained = await trainReferenceModel(plan.config, spec, dataset, ledger, events);
    return {
      name: 'train',
      rows: 0,
      seconds: trained.reused ? 0 : trained.trainingSeconds,
      flops: trained.reused ? 0 : trained.trainingFlops,
      joules: meter && !trained.reused ? ledger.joules['reference-training'] : null,
      backend: backendName,
      reused: trained.reused,
    };
  }

  async function embed(plan: EmbedPlan, shard: number, ledger: PhaseLedger, events: RunEvents, backendName: string): Promise<EmbedTaskRecord> {
    const meta = await embedReferenceShard(plan.config, spec, dataset, shard, plan.shards, ledger, events);
    return {
      name: `shard-${shard}`,
      rows: meta.count,
      seconds: meta.seconds,
      flops: meta.flops,
      joules: meter && !meta.reused ? ledger.joules['reference-embedding'] : null,
      backend: backendName,
      reused: meta.reused,
    };
  }
}
