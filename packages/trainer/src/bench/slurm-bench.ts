import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '@sieve/core';
import { arraySpec } from '../slurm/array-spec';
import { batchScript, shellWord, type SlurmOptions } from '../slurm/batch-script';
import { maxArraySize, waitForJobs } from '../slurm/slurm-client';
import { requireSlurm, sieveCommand, submitChain, type ChainedScript } from '../slurm/submit-chain';
import { jobIdsOf, recordSubmission, refuseWhileActive, type SlurmSubmission } from '../slurm/submissions';
import { jobStateOnDisk, type BenchJob } from './bench-plan';
import type { BenchLayout } from './bench-layout';

export interface SubmitRequest {
  layout: BenchLayout;
  jobs: readonly BenchJob[];
  /** At most this many array tasks at once (`%P`); null for Slurm's own limits. */
  parallel: number | null;
  slurm: SlurmOptions;
  wait: boolean;
  rerun: string;
}

/**
 * Submits the bench's unfinished jobs to Slurm: one array job for the references left to train,
 * one for the runs left (after the references, `afterany`: a run whose reference failed reports
 * that itself), and a report job after both that writes the report from whatever finished. The
 * scripts and the `submit.sh` that submits them are written to the bench's `slurm/` folder first,
 * so that what ran can be read and run again by hand. Returns the exit code.
 */
export async function submitBench(request: SubmitRequest, write: (line: string) => void): Promise<number> {
  const { layout, jobs } = request;
  await requireSlurm();
  await refuseWhileActive(layout.slurm, '--engine', `follow them with ${request.rerun} --status`);
  const unfinished = (kind: BenchJob['kind']) => jobs.flatMap((job, index) => (job.kind === kind && jobStateOnDisk(job) !== 'finished' ? [index] : []));
  const indices = { references: unfinished('reference'), runs: unfinished('run') };
  if (indices.references.length + indices.runs.length === 0 && existsSync(layout.results)) {
    write(`nothing to submit: every job of the bench has finished; the report is in ${layout.reportMarkdown}`);
    return 0;
  }

  const limit = await maxArraySize();
  const highest = Math.max(...indices.references, ...indices.runs);
  if (highest >= limit) {
    throw new UserInputError(
      '--engine',
      `the bench has ${jobs.length} jobs and Slurm's array task ids stop at ${limit - 1} (MaxArraySize ${limit}); ` +
        'split the sweep into several benches (fewer --selectors or --seeds each), or raise MaxArraySize in slurm.conf.',
    );
  }
  mkdirSync(join(layout.dir, 'logs'), { recursive: true });
  const submittedAt = new Date();
  const scripts: ChainedScript[] = [];
  if (indices.references.length > 0) scripts.push({ role: 'references', text: jobArrayScript(request, 'references', indices.references) });
  if (indices.runs.length > 0) scripts.push({ role: 'runs', text: jobArrayScript(request, 'runs', indices.runs) });
  scripts.push({ role: 'report', text: reportScript(request, submittedAt) });
  const ids = await submitChain(layout.slurm, scripts, 'The Slurm jobs of this bench, as `nx run trainer:bench --engine slurm` wrote them', "the bench's jobs");
  const submission: SlurmSubmission = { submittedAt: submittedAt.toISOString(), jobs: ids, indices };
  recordSubmission(layout.slurm, submission);
  write(
    `submitted to Slurm: ${describeSubmission(submission)}; scripts in ${layout.slurm}. ` +
      `Follow with: ${request.rerun} --status`,
  );
  if (!request.wait) return 0;

  await waitForJobs(jobIdsOf(submission), write);
  const reportLog = join(layout.dir, 'logs', 'report.log');
  for (const line of tailLines(reportLog, 40)) write(line);
  const reported = existsSync(layout.results) && statSync(layout.results).mtimeMs >= submittedAt.getTime();
  const allFinished = jobs.every((job) => jobStateOnDisk(job) === 'finished');
  if (!reported) write(`no report was written; see ${reportLog}`);
  else if (!allFinished) write(`some jobs did not finish; fix the cause and run again to submit only those: ${request.rerun}`);
  return reported && allFinished ? 0 : 1;
}

/** The array job that runs `indices` of the manifest, one bench job per task. */
function jobArrayScript(request: SubmitRequest, role: 'references' | 'runs', indices: number[]): string {
  const { layout, jobs } = request;
  const logs = indices.map((index) => `[${index}]=${shellWord(jobs[index].log)}`).join(' ');
  return batchScript({
    jobName: `sieve-bench-${role}`,
    array: arraySpec(indices, request.parallel),
    output: join(layout.dir, 'logs', `slurm-${role}-%A_%a.out`),
    options: request.slurm,
    comment:
      `One job of the bench per array task: the task id is the job's index in manifest.json.\n` +
      'A finished job is skipped, a stopped one carries on from its checkpoint.',
    body: [
      `logs=(${logs})`,
      ...sieveCommand(`bench-job --bench ${shellWord(layout.dir)} --index "$SLURM_ARRAY_TASK_ID"`, '>> "${logs[$SLURM_ARRAY_TASK_ID]}" 2>&1'),
    ],
  });
}

/** The job that writes the report once the arrays have ended, from whatever finished. */
function reportScript(request: SubmitRequest, submittedAt: Date): string {
  const { layout } = request;
  return batchScript({
    jobName: 'sieve-bench-report',
    output: join(layout.dir, 'logs', 'slurm-report-%j.out'),
    options: { ...request.slurm, gres: undefined },
    comment: 'The analysis and the report, from the runs that finished; the others are named in it.',
    body: sieveCommand(`bench-report --bench ${shellWord(layout.dir)} --submitted ${submittedAt.getTime()}`, `> ${shellWord(join(layout.dir, 'logs', 'report.log'))} 2>&1`),
  });
}


function describeSubmission(submission: SlurmSubmission): string {
  const parts: string[] = [];
  if (submission.jobs.references) parts.push(`references job ${submission.jobs.references} (${submission.indices.references.length} tasks)`);
  if (submission.jobs.runs) parts.push(`runs job ${submission.jobs.runs} (${submission.indices.runs.length} tasks)`);
  parts.push(`report job ${submission.jobs.report}`);
  return parts.join(', ');
}

function tailLines(path: string, count: number): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-count);
}

