import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { relative } from 'node:path';
import { RUN_FILES } from '@sieve/core';
import { benchLayout } from './bench-layout';
import { jobStateOnDisk, readManifest } from './bench-plan';
import { lastStepOf } from './run-progress';
import { jobIdsOf, latestSubmission } from '../slurm/submissions';
import { queueOf, slurmAvailable, type QueueEntry } from '../slurm/slurm-client';

/** A run whose events were written this recently counts as running (a local run writes one a second). */
const ACTIVE_MS = 30_000;

function writtenWithin(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < ms;
  } catch {
    return false;
  }
}

/**
 * Where every job of the bench in `dir` stands, from its files and, for a bench submitted to
 * Slurm, from `squeue`: one line per job, then the counts.
 */
export async function printStatus(dir: string, write: (line: string) => void): Promise<void> {
  const layout = benchLayout(dir);
  const jobs = readManifest(dir);
  const submission = latestSubmission(layout.slurm);
  const queue = submission && (await slurmAvailable()) ? await queueOf(jobIdsOf(submission)) : [];
  const slurmStateOf = (index: number): QueueEntry | undefined => {
    if (!submission) return undefined;
    const role = submission.indices.references?.includes(index) ? 'references' : submission.indices.runs?.includes(index) ? 'runs' : null;
    const jobId = role ? submission.jobs[role] : undefined;
    return queue.find((entry) => entry.jobId === jobId && entry.taskId === index);
  };
  const counts = new Map<string, number>();
  const width = Math.max(...jobs.map((job) => job.name.length), 6);
  jobs.forEach((job, index) => {
    const disk = jobStateOnDisk(job);
    const slurm = slurmStateOf(index);
    const step = job.workDir ? lastStepOf(job.workDir) : null;
    let state: string;
    if (disk === 'finished') state = 'finished';
    else if (slurm) state = slurm.state.toLowerCase();
    else if (job.workDir && writtenWithin(join(job.workDir, RUN_FILES.events), ACTIVE_MS)) state = 'running';
    else if (existsSync(job.log)) state = disk === 'resumable' ? 'stopped' : 'failed';
    else state = 'not started';
    counts.set(state, (counts.get(state) ?? 0) + 1);
    const details = [
      slurm ? `slurm ${slurm.jobId}_${index}${slurm.reason && slurm.reason !== 'None' ? `, ${slurm.reason}` : ''}` : null,
      disk !== 'finished' && step !== null ? `step ${step} of ${job.steps}` : null,
      state === 'failed' || state === 'stopped' ? `log ${relative(dir, job.log)}` : null,
    ].filter((part): part is string => part !== null);
    write(`${job.name.padEnd(width)}  ${state}${details.length > 0 ? ` (${details.join('; ')})` : ''}`);
  });
  if (submission) {
    const report = queue.find((entry) => entry.jobId === submission.jobs.report);
    const reported = existsSync(layout.results);
    write(`${'report'.padEnd(width)}  ${report ? `${report.state.toLowerCase()} (slurm ${report.jobId})` : reported ? 'written' : 'not written'}`);
  }
  write(`${jobs.length} jobs: ${[...counts.entries()].map(([state, count]) => `${count} ${state}`).join(', ')}`);
}
