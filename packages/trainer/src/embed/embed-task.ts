import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError } from '@sieve/core';
import { embedReferenceShard, trainReferenceModel } from '@sieve/engine';
import { withReferenceSession, type ReferenceSession } from '../reference-session';
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
  return withReferenceSession(plan.config, write, async (session) => {
    if (session.cacheKey !== plan.cacheKey) {
      throw new UserInputError('--work', `the data changed since the plan in ${workDir} was written (reference ${session.cacheKey}, planned ${plan.cacheKey}); run embed-reference again.`);
    }
    const record = 'train' in task ? await train(plan, session) : await embed(plan, task.shard, session);
    mkdirSync(join(workDir, 'tasks'), { recursive: true });
    await writeFileAtomic(taskRecordPath(workDir, record.name), `${JSON.stringify(record, null, 2)}\n`);
    write(
      record.reused
        ? `${record.name}: already in the cache ${plan.cacheDir}`
        : `${record.name}: ${record.rows > 0 ? `${record.rows} rows in ` : ''}${record.seconds.toFixed(1)} s${record.joules !== null ? `, ${record.joules.toFixed(0)} J` : ''}`,
    );
    return 0;
  });
}

async function train(plan: EmbedPlan, { dataset, spec, meter, ledger, events, backend }: ReferenceSession): Promise<EmbedTaskRecord> {
  const trained = await trainReferenceModel(plan.config, spec, dataset, ledger, events);
  return {
    name: 'train',
    rows: 0,
    seconds: trained.reused ? 0 : trained.trainingSeconds,
    flops: trained.reused ? 0 : trained.trainingFlops,
    joules: meter && !trained.reused ? ledger.joules['reference-training'] : null,
    backend: backend.name,
    reused: trained.reused,
  };
}

async function embed(plan: EmbedPlan, shard: number, { dataset, spec, meter, ledger, events, backend }: ReferenceSession): Promise<EmbedTaskRecord> {
  const meta = await embedReferenceShard(plan.config, spec, dataset, shard, plan.shards, ledger, events);
  return {
    name: `shard-${shard}`,
    rows: meta.count,
    seconds: meta.seconds,
    flops: meta.flops,
    joules: meter && !meta.reused ? ledger.joules['reference-embedding'] : null,
    backend: backend.name,
    reused: meta.reused,
  };
}
