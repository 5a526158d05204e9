import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UserInputError, type RunConfigInput } from '@sieve/core';
import { initBackend } from '@sieve/models';
import { loadDataset } from '@sieve/data';
import { modelSpecOf, referenceCacheDir, referenceCacheKey, shardRange } from '@sieve/engine';
import { resolveRunConfig } from '../run-config';
import { runJobs } from '../bench/scheduler';
import { arraySpec } from '../slurm/array-spec';
import { batchScript, shellWord, type SlurmOptions } from '../slurm/batch-script';
import { engineOf, parallelOf, slurmOptionsOf, type EngineFlags } from '../slurm/engine-flags';
import { maxArraySize, waitForJobs } from '../slurm/slurm-client';
import { requireSlurm, sieveCommand, submitChain, type ChainedScript } from '../slurm/submit-chain';
import { recordSubmission, refuseWhileActive } from '../slurm/submissions';
import { embedJobState, embedJobs, embedWorkDir, writeEmbedPlan, type EmbedJob, type EmbedPlan } from './embed-plan';
import { taskRecordPath, type EmbedTaskRecord } from './embed-task';

export interface EmbedFlags extends EngineFlags {
  preset?: string;
  config?: string;
  task?: string;
  seed?: number;
  referenceSteps?: number;
  backend?: string;
  shards?: number;
}

/**
 * `embed-reference`: trains the reference of the given settings (unless cached) and embeds the
 * pool with it in `--shards K` tasks, each writing one shard of the reference cache, on this
 * machine or as a Slurm array job. Training then reads the shards as if one process had written
 * them. Returns the exit code: 0 when every shard is in the cache (or, with Slurm and no --wait,
 * when submitted), 1 when a task failed.
 */
export async function runEmbedReference(flags: EmbedFlags, write: (line: string) => void): Promise<number> {
  const engine = engineOf(flags.engine);
  const parallel = parallelOf(flags, engine, availableParallelism());
  const slurm = slurmOptionsOf(flags, engine);
  const configFlags: Record<string, unknown> = { task: flags.task, seed: flags.seed, backend: flags.backend, dashboard: false };
  if (flags.referenceSteps !== undefined) configFlags.reference = { steps: flags.referenceSteps };
  const config = resolveRunConfig({ preset: flags.preset, configFile: flags.config, flags: configFlags as Partial<RunConfigInput> });

  // The backend the tasks will use must start here too: a bad --backend is refused before anything is submitted.
  await initBackend(config.backend);
  const { dataset, warnings } = await loadDataset(config, { log: write });
  for (const warning of warnings) write(`warning: ${warning}`);
  const shards = flags.shards ?? 1;
  shardRange(dataset.pool.count, 0, shards); // refuses a shard count the pool's chunks cannot fill
  const cacheKey = referenceCacheKey(config, modelSpecOf(config, dataset), dataset);
  const cacheDir = referenceCacheDir(config, cacheKey);
  const workDir = embedWorkDir(cacheDir, shards);
  mkdirSync(join(workDir, 'logs'), { recursive: true });
  const plan: EmbedPlan = { version: 1, cacheKey, cacheDir, shards, poolCount: dataset.pool.count, config };
  await writeEmbedPlan(workDir, plan);
  const jobs = embedJobs(plan, workDir);
  const state = (job: EmbedJob) => embedJobState(plan, job);
  const left = jobs.filter((job) => state(job) !== 'finished');
  write(
    `reference ${cacheKey} (${config.task}, seed ${config.seed}, ${config.reference.steps} steps): pool of ${dataset.pool.count} rows in ${shards} shards, ` +
      `${left.length === 0 ? 'all in the cache already' : `${left.length} of ${jobs.length} tasks to run ${engine === 'slurm' ? 'on Slurm' : `here, ${parallel} at a time`}`}; cache ${cacheDir}`,
  );
  if (left.length === 0) {
    printSummary(plan, jobs, workDir, write);
    return 0;
  }
  if (engine === 'slurm') return submitEmbedding({ plan, workDir, jobs: left, parallel, slurm, wait: flags.wait === true }, write);

  const scheduler = runJobs(jobs, parallel!, { onChange: () => {}, onLine: write }, { args: (job) => taskArgs(workDir, job), state });
  const progress = await scheduler.done;
  const failed = progress.filter((p) => p.status === 'failed' || p.status === 'blocked');
  for (const p of failed) write(`failed: ${p.job.name}: ${p.problem ?? ''}`);
  if (failed.length > 0) {
    write(`${failed.length} task(s) did not finish; the shards done are kept: run the same command again to carry on.`);
    return 1;
  }
  printSummary(plan, jobs, workDir, write);
  return 0;
}

/** The arguments of the worker command that runs one task. */
function taskArgs(workDir: string, job: EmbedJob): string[] {
  return ['embed-reference-task', '--work', workDir, ...(job.kind === 'train' ? ['--train'] : ['--shard', String(job.shard)])];
}

interface EmbedSubmission {
  plan: EmbedPlan;
  workDir: string;
  /** The tasks left to run. */
  jobs: EmbedJob[];
  parallel: number | null;
  slurm: SlurmOptions;
  wait: boolean;
}

/** Submits the training (when the model is not cached yet) and then an array job of the shards left, after it. */
async function submitEmbedding(request: EmbedSubmission, write: (line: string) => void): Promise<number> {
  const { plan, workDir } = request;
  await requireSlurm();
  const folder = join(workDir, 'slurm');
  await refuseWhileActive(folder, '--engine', `wait for them (squeue --jobs ...)`);
  // The task's lines go to the same log as with the local engine; Slurm's own messages to --output.
  const run = (args: string, log: string) => sieveCommand(`embed-reference-task --work ${shellWord(workDir)} ${args}`, `>> ${log} 2>&1`);
  const logs = shellWord(join(workDir, 'logs'));
  const scripts: ChainedScript[] = [];
  const shards = request.jobs.flatMap((job) => (job.kind === 'shard' ? [job.shard!] : []));
  const limit = await maxArraySize();
  if (shards.length > 0 && Math.max(...shards) >= limit) {
    throw new UserInputError('--shards', `Slurm's array task ids stop at ${limit - 1} (MaxArraySize ${limit}); give at most ${limit} shards, or raise MaxArraySize in slurm.conf.`);
  }
  if (request.jobs.some((job) => job.kind === 'train')) {
    scripts.push({
      role: 'train',
      text: batchScript({
        jobName: 'sieve-reference-train',
        output: join(workDir, 'logs', 'slurm-train-%j.out'),
        options: request.slurm,
        comment: `Trains the reference ${plan.cacheKey} into its cache entry (skipped when it is there).`,
        body: run('--train', `${logs}/train.log`),
      }),
    });
  }
  if (shards.length > 0) {
    scripts.push({
      role: 'shards',
      text: batchScript({
        jobName: 'sieve-reference-shards',
        array: arraySpec(shards, request.parallel),
        output: join(workDir, 'logs', 'slurm-shard-%A_%a.out'),
        options: request.slurm,
        comment: `One shard of ${plan.shards} of the pool per array task (the task id is the shard); a shard already done is skipped.`,
        body: run('--shard "$SLURM_ARRAY_TASK_ID"', `${logs}/shard-"$SLURM_ARRAY_TASK_ID".log`),
      }),
    });
  }
  const ids = await submitChain(folder, scripts, 'The Slurm jobs of this embedding, as `nx run trainer:embed-reference --engine slurm` wrote them', 'the jobs');
  recordSubmission(folder, { submittedAt: new Date().toISOString(), jobs: ids, indices: { shards } });
  write(`submitted to Slurm: ${Object.entries(ids).map(([role, id]) => `${role} job ${id}`).join(', ')} (${shards.length} shard tasks); scripts in ${folder}`);
  if (!request.wait) {
    write('run the same command again once they have ended: it reports the shards, or submits only those missing.');
    return 0;
  }
  await waitForJobs(Object.values(ids), write);
  const jobs = embedJobs(plan, workDir);
  const missing = jobs.filter((job) => embedJobState(plan, job) !== 'finished');
  if (missing.length > 0) {
    write(`not finished: ${missing.map((job) => `${job.name} (log ${job.log})`).join(', ')}; run the same command again to submit only those.`);
    return 1;
  }
  printSummary(plan, jobs, workDir, write);
  return 0;
}

/** Rows, seconds and joules of every task, and the per-row cost. */
function printSummary(plan: EmbedPlan, jobs: readonly EmbedJob[], workDir: string, write: (line: string) => void): void {
  const records = jobs.map((job) => readRecord(workDir, job.name));
  for (const [index, job] of jobs.entries()) {
    const record = records[index];
    write(
      `  ${job.name.padEnd(9)} ${job.kind === 'shard' ? `${String(job.rows).padStart(8)} rows` : '            '}  ` +
        (record ? (record.reused ? 'was in the cache' : `${record.seconds.toFixed(1)} s${record.joules !== null ? `, ${record.joules.toFixed(0)} J` : ''} (${record.backend})`) : 'no record'),
    );
  }
  const shardRecords = records.filter((record): record is EmbedTaskRecord => record !== null && record.rows > 0 && !record.reused);
  const rows = shardRecords.reduce((sum, record) => sum + record.rows, 0);
  const seconds = shardRecords.reduce((sum, record) => sum + record.seconds, 0);
  if (rows > 0) write(`embedding: ${rows} rows in ${seconds.toFixed(1)} s of task time, ${((seconds / rows) * 1e6).toFixed(0)} µs per row`);
  write(`the pool's scores are in ${plan.cacheDir}; training with the same settings reads them (reference ${plan.cacheKey}).`);
}

function readRecord(workDir: string, name: string): EmbedTaskRecord | null {
  const path = taskRecordPath(workDir, name);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as EmbedTaskRecord) : null;
}
