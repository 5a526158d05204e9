import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError, type RunConfig } from '@sieve/core';
import { readTrained, shardDone, shardRange } from '@sieve/engine';
import type { JobState } from '../bench/bench-plan';
import type { SchedulableJob } from '../bench/scheduler';

/**
 * What `embed-reference` writes into its work folder (`<reference cache entry>/jobs/<K>-shards/`)
 * before any task runs: every task reads its settings from here, so that all of them embed with
 * the same reference.
 */
export interface EmbedPlan {
  version: 1;
  cacheKey: string;
  /** The reference's cache entry, where the model and the shards go. */
  cacheDir: string;
  shards: number;
  poolCount: number;
  /** The resolved settings that determine the reference (and its cache key). */
  config: RunConfig;
}

/** One task: training the reference (`train`), or embedding one shard of the pool. */
export interface EmbedJob extends SchedulableJob {
  kind: 'train' | 'shard';
  /** The shard's number, 0 to K - 1 (its Slurm array task id); null for `train`. */
  shard: number | null;
  /** The pool rows the shard embeds. */
  rows: number;
}

export const embedWorkDir = (cacheDir: string, shards: number) => join(cacheDir, 'jobs', `${shards}-shards`);
const planPath = (workDir: string) => join(workDir, 'plan.json');

export async function writeEmbedPlan(workDir: string, plan: EmbedPlan): Promise<void> {
  await writeFileAtomic(planPath(workDir), `${JSON.stringify(plan, null, 2)}\n`);
}

export function readEmbedPlan(workDir: string): EmbedPlan {
  const path = planPath(workDir);
  if (!existsSync(path)) throw new UserInputError('--work', `${workDir} holds no embedding plan (no plan.json); embed-reference writes it, give the folder it printed.`);
  const plan = JSON.parse(readFileSync(path, 'utf8')) as EmbedPlan;
  if (plan.version !== 1) throw new UserInputError(path, `is a plan of another version (${plan.version}); run embed-reference again.`);
  return plan;
}

/** The training task, then one task per shard, each shard after the training. */
export function embedJobs(plan: EmbedPlan, workDir: string): EmbedJob[] {
  const train: EmbedJob = { name: 'train', kind: 'train', shard: null, rows: 0, dependsOn: [], steps: 1, log: join(workDir, 'logs', 'train.log'), workDir: null };
  const shards = Array.from({ length: plan.shards }, (_, shard): EmbedJob => ({
    name: `shard-${shard}`,
    kind: 'shard',
    shard,
    rows: shardRange(plan.poolCount, shard, plan.shards).count,
    dependsOn: ['train'],
    steps: 1,
    log: join(workDir, 'logs', `shard-${shard}.log`),
    workDir: null,
  }));
  return [train, ...shards];
}

/** Finished when the cache holds what the task writes: the trained model, or the shard's done marker. */
export function embedJobState(plan: EmbedPlan, job: EmbedJob): JobState {
  const done = job.kind === 'train' ? readTrained(plan.cacheDir) !== null : shardDone(plan.cacheDir, job.shard!, plan.shards);
  return done ? 'finished' : 'fresh';
}
