import { existsSync, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { RUN_FILES, UserInputError } from '@sieve/core';
import { resolveRunConfig, resumedRunConfig } from '../run-config';
import { runReference } from '../run-reference';
import { runTrain } from '../run-train';
import { isCompletedRun, jobStateOnDisk, readManifest, type BenchJob } from './bench-plan';

/** Which job of a bench's manifest to run: by its index (a Slurm array task id) or by its name. */
export type JobSelector = { index: number } | { name: string };

/**
 * Runs one job of the bench in `dir` in this process: the worker of every engine (a child process
 * of the local pool, or a Slurm array task). A finished job is skipped; a run carries on from its
 * checkpoint when it has one, trains in its `.partial` folder and is renamed into place only once
 * completed. Returns the exit code: 0 done or skipped, 1 when a job it needs has not finished,
 * 130 or 143 when a signal stopped it at a checkpoint.
 */
export async function runBenchJob(dir: string, which: JobSelector, write: (line: string) => void): Promise<number> {
  const jobs = readManifest(dir);
  const job = findJob(jobs, which);
  if (jobStateOnDisk(job) === 'finished') {
    write(`skip ${job.name}: already finished (${job.output})`);
    return 0;
  }
  const missing = job.dependsOn.filter((name) => jobStateOnDisk(findJob(jobs, { name })) !== 'finished');
  if (missing.length > 0) {
    write(`cannot run ${job.name}: ${missing.join(', ')} has not finished; see its log (${missing.map((name) => findJob(jobs, { name }).log).join(', ')}).`);
    return 1;
  }
  if (job.kind === 'reference') {
    const record = await runReference(resolveRunConfig({ configFile: job.configFile, flags: {} }), job.output, write);
    write(`reference ${record.cacheKey}: ${record.trainingSeconds.toFixed(1)} s training, ${record.embeddingSeconds.toFixed(1)} s embedding; record ${job.output}`);
    return 0;
  }
  const workDir = job.workDir!;
  // Completed but not yet renamed (the process ended in between): only the rename is left.
  if (!isCompletedRun(workDir)) {
    const resume = jobStateOnDisk(job) === 'resumable';
    if (resume) write(`${job.name}: resuming from its checkpoint in ${workDir}`);
    const config = resume ? resumedRunConfig(workDir, { dashboard: false }) : resolveRunConfig({ configFile: job.configFile, flags: {} });
    const { summary, stopSignal } = await runTrain(config, { overwrite: !resume, resume, write });
    if (summary.status !== 'completed') {
      write(`${job.name}: ${summary.status} at step ${summary.steps}; the same job carries on from its checkpoint`);
      return stopSignal === 'SIGTERM' ? 143 : 130;
    }
  }
  await promoteRun(workDir, job.output);
  write(`done ${job.name}: ${job.output}`);
  return 0;
}

function findJob(jobs: readonly BenchJob[], which: JobSelector): BenchJob {
  if ('index' in which) {
    const job = jobs[which.index];
    if (!Number.isInteger(which.index) || !job) throw new UserInputError('--index', `the bench has jobs 0 to ${jobs.length - 1}; got ${which.index}.`);
    return job;
  }
  const job = jobs.find((j) => j.name === which.name);
  if (!job) throw new UserInputError('--job', `the bench has no job "${which.name}"; its jobs are ${jobs.map((j) => j.name).join(', ')}.`);
  return job;
}

/** Renames a completed run into place, its config.json naming the folder it now lives in. */
async function promoteRun(workDir: string, finalDir: string): Promise<void> {
  const configPath = join(workDir, RUN_FILES.config);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { out?: string };
  await writeFileAtomic(configPath, `${JSON.stringify({ ...config, out: finalDir }, null, 2)}\n`);
  // A leftover under the final name (a run of an older layout) is replaced.
  if (existsSync(finalDir)) await rm(finalDir, { recursive: true, force: true });
  await rename(workDir, finalDir);
}
