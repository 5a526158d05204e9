/**
 * `sieve prepare`: prepares the `files` task's sources into their stores (what a run does first),
 * on its own, and prints each source's tally. With `--shards K` the pool's files are prepared in K
 * tasks, processes here or a Slurm array job, then merged into the store one process would write;
 * the reference and test sources, small by design, are prepared here. A second call finds the
 * stores and returns at once.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  checkShardCount,
  filesDataConfigOf,
  mergeParts,
  partDone,
  prepareFilesSources,
  prepareOptionsFor,
  preparePart,
  readManifest,
  readPreparationPlan,
  resolveSource,
  storeLocation,
  tallyText,
  writePreparationPlan,
  type ShardedPreparation,
} from '@sieve/data';
import { UserInputError, type RunConfig } from '@sieve/core';
import { runJobs, type SchedulableJob } from '../bench/scheduler';
import { arraySpec } from '../slurm/array-spec';
import { batchScript, shellWord, type SlurmOptions } from '../slurm/batch-script';
import { engineOf, parallelOf, slurmOptionsOf, type EngineFlags } from '../slurm/engine-flags';
import { maxArraySize, waitForJobs } from '../slurm/slurm-client';
import { requireSlurm, sieveCommand, submitChain } from '../slurm/submit-chain';
import { recordSubmission, refuseWhileActive } from '../slurm/submissions';

export interface PrepareFlags extends EngineFlags {
  shards?: number;
}

export async function runPrepare(config: RunConfig, flags: PrepareFlags, write: (line: string) => void): Promise<number> {
  const data = filesDataConfigOf(config.data);
  const engine = engineOf(flags.engine);
  const slurm = slurmOptionsOf(flags, engine);
  if (flags.shards !== undefined || engine === 'slurm') {
    const source = await resolveSource(data.train!, '--train-data');
    // The plan is written as JSON, which leaves out the log function: tasks prepare quietly.
    const options = prepareOptionsFor(data, 'train', write);
    const location = await storeLocation(source, options);
    if (!readManifest(location.dir)) {
      const shards = flags.shards ?? 1;
      checkShardCount(source, shards, '--shards');
      const plan: ShardedPreparation = { version: 1, source, location, options, shards };
      const planFile = await writePreparationPlan(plan);
      const parallel = parallelOf(flags, engine, availableParallelism());
      write(`--train-data ${source.spec}: ${source.files.length} files in ${shards} tasks ${engine === 'slurm' ? 'on Slurm' : `here, ${parallel} at a time`}; plan ${planFile}`);
      const done = engine === 'slurm' ? await submitPreparation(plan, planFile, parallel, slurm, flags.wait === true, write) : await prepareHere(plan, planFile, parallel!, write);
      if (!done) return engine === 'slurm' && flags.wait !== true ? 0 : 1;
    }
  }
  const sources = await prepareFilesSources(data, write);
  for (const source of sources) {
    write(`${source.role}: ${source.records} records of ${source.seen} samples in ${source.store}`);
    if (Object.keys(source.skipped).length > 0) write(`  skipped: ${tallyText(source.skipped)}`);
    if (source.prepared) write(`  ${(source.seen / Math.max(source.seconds, 1e-9)).toFixed(0)} samples/s`);
  }
  return 0;
}

/** The worker of both engines: prepares one part, or merges the parts. */
export async function runPrepareTask(planFile: string, task: { part: number } | { merge: true }, write: (line: string) => void): Promise<number> {
  const plan = readPreparationPlan(planFile);
  if ('merge' in task) {
    const manifest = await mergeParts(plan);
    write(`merged ${plan.shards} parts: ${manifest.count} records of ${manifest.seen} samples in ${plan.location.dir}`);
    return 0;
  }
  const result = await preparePart(plan, task.part);
  write(`part ${task.part} of ${plan.shards}: ${result.count} records of ${result.seen} samples in ${result.seconds.toFixed(1)} s`);
  return 0;
}

interface PartJob extends SchedulableJob {
  part: number;
}

function partJobs(plan: ShardedPreparation): PartJob[] {
  return Array.from({ length: plan.shards }, (_, part) => ({
    name: `part-${part}`,
    part,
    dependsOn: [],
    steps: 1,
    log: join(plan.location.dir, 'parts', String(plan.shards), `part-${part}.log`),
    workDir: null,
  }));
}

/** The parts as processes on this machine, then the merge in this one. */
async function prepareHere(plan: ShardedPreparation, planFile: string, parallel: number, write: (line: string) => void): Promise<boolean> {
  const scheduler = runJobs(partJobs(plan), parallel, { onChange: () => {}, onLine: write }, {
    args: (job) => ['prepare-task', '--plan', planFile, '--part', String(job.part)],
    state: (job) => (partDone(plan, job.part) ? 'finished' : 'fresh'),
  });
  const failed = (await scheduler.done).filter((p) => p.status === 'failed' || p.status === 'blocked');
  for (const p of failed) write(`failed: ${p.job.name}: ${p.problem ?? ''} (log ${p.job.log})`);
  if (failed.length > 0) {
    write(`${failed.length} part(s) did not finish; the parts done are kept: run the same command again to carry on.`);
    return false;
  }
  await runPrepareTask(planFile, { merge: true }, write);
  return true;
}

/** An array job of the parts left, then the merge after it; with `wait`, until both have ended. */
async function submitPreparation(
  plan: ShardedPreparation,
  planFile: string,
  parallel: number | null,
  slurm: SlurmOptions,
  wait: boolean,
  write: (line: string) => void,
): Promise<boolean> {
  await requireSlurm();
  const folder = join(plan.location.dir, 'parts', String(plan.shards), 'slurm');
  await refuseWhileActive(folder, '--engine', 'wait for them (squeue --jobs ...)');
  const logs = join(plan.location.dir, 'parts', String(plan.shards));
  const parts = partJobs(plan)
    .filter((job) => !partDone(plan, job.part))
    .map((job) => job.part);
  const limit = await maxArraySize();
  if (parts.length > 0 && Math.max(...parts) >= limit) {
    throw new UserInputError('--shards', `Slurm's array task ids stop at ${limit - 1} (MaxArraySize ${limit}); give at most ${limit} shards, or raise MaxArraySize in slurm.conf.`);
  }
  const run = (args: string, log: string) => sieveCommand(`prepare-task --plan ${shellWord(planFile)} ${args}`, `>> ${log} 2>&1`);
  const scripts = [];
  if (parts.length > 0) {
    scripts.push({
      role: 'parts',
      text: batchScript({
        jobName: 'sieve-prepare-parts',
        array: arraySpec(parts, parallel),
        output: join(logs, 'slurm-part-%A_%a.out'),
        options: slurm,
        comment: `One part of ${plan.shards} of ${plan.source.spec} per array task (the task id is the part); a part already done is skipped.`,
        body: run('--part "$SLURM_ARRAY_TASK_ID"', `${shellWord(logs)}/part-"$SLURM_ARRAY_TASK_ID".log`),
      }),
    });
  }
  scripts.push({
    role: 'merge',
    text: batchScript({
      jobName: 'sieve-prepare-merge',
      output: join(logs, 'slurm-merge-%j.out'),
      options: slurm,
      comment: 'Merges the parts into the store, as one process would have written it.',
      body: run('--merge', `${shellWord(logs)}/merge.log`),
    }),
  });
  const ids = await submitChain(folder, scripts, 'The Slurm jobs of this preparation, as `nx run trainer:prepare --engine slurm` wrote them', 'the preparation');
  recordSubmission(folder, { submittedAt: new Date().toISOString(), jobs: ids, indices: { parts } });
  write(`submitted to Slurm: ${Object.entries(ids).map(([role, id]) => `${role} job ${id}`).join(', ')}; scripts in ${folder}`);
  if (!wait) {
    write('run the same command again once they have ended: it prints the tally, or submits only the parts missing.');
    return false;
  }
  await waitForJobs(Object.values(ids), write);
  if (!readManifest(plan.location.dir)) {
    write(`the store is not complete; see the logs in ${logs} and run the same command again.`);
    return false;
  }
  return true;
}
