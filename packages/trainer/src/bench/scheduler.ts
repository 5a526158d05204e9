import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobState } from './bench-plan';
import { lastStepOf } from './run-progress';

/** The `sieve` entry point and the folder it runs from (where `tsx` resolves). */
export const MAIN_SCRIPT = fileURLToPath(new URL('../main.ts', import.meta.url));
export const REPOSITORY_ROOT = resolve(dirname(MAIN_SCRIPT), '../../..');

export type JobStatus = 'pending' | 'running' | 'finished' | 'skipped' | 'failed' | 'stopped' | 'blocked';

/** What the scheduler needs of a job: a bench's, or a shard of `embed-reference`. */
export interface SchedulableJob {
  name: string;
  /** Jobs that must have finished first. */
  dependsOn: string[];
  /** The unit of progress and of the ETA. */
  steps: number;
  /** Where the job's output lines go. */
  log: string;
  /** A run's folder while it trains, whose events tell its step; null when there is none. */
  workDir: string | null;
}

/** How to run a job in a process of its own, and where it stands on disk. */
export interface JobWorker<J extends SchedulableJob> {
  /** The arguments of the `sieve` command that runs the job. */
  args(job: J): string[];
  state(job: J): JobState;
}

export interface JobProgress<J extends SchedulableJob = SchedulableJob> {
  job: J;
  status: JobStatus;
  /** Learner (or reference) steps done so far, as far as the job's files tell. */
  step: number;
  /** Why it failed or was blocked. */
  problem?: string;
}

export interface SchedulerEvents {
  onChange(progress: readonly JobProgress[]): void;
  onLine(line: string): void;
}

export interface Scheduler<J extends SchedulableJob = SchedulableJob> {
  /** Resolves when every job has ended or, after `stop`, when the running ones have. */
  done: Promise<readonly JobProgress<J>[]>;
  /** Stops starting jobs and asks the running ones to stop after their current step. */
  stop(signal: NodeJS.Signals): void;
  /** Ends the running jobs at once. */
  abort(): void;
}

/**
 * Runs the bench's jobs as child processes, at most `parallel` at a time, each once the jobs it
 * depends on have finished. A finished job (its files say so) is skipped; a run with a checkpoint
 * is resumed from it; a failed job blocks the jobs that depend on it and no others.
 */
export function runJobs<J extends SchedulableJob>(jobs: readonly J[], parallel: number, events: SchedulerEvents, worker: JobWorker<J>): Scheduler<J> {
  const progress: JobProgress<J>[] = jobs.map((job) => {
    const finished = worker.state(job) === 'finished';
    return { job, status: finished ? 'skipped' : 'pending', step: finished ? job.steps : 0 };
  });
  const byName = new Map(progress.map((p) => [p.job.name, p]));
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  let resolveDone: (value: readonly JobProgress<J>[]) => void;
  const done = new Promise<readonly JobProgress<J>[]>((resolveIt) => (resolveDone = resolveIt));
  const changed = () => events.onChange(progress);

  const isDone = (p: JobProgress<J> | undefined) => p?.status === 'finished' || p?.status === 'skipped';
  const ready = (p: JobProgress<J>) => p.status === 'pending' && p.job.dependsOn.every((name) => isDone(byName.get(name)));

  const launch = (p: JobProgress<J>) => {
    const resuming = worker.state(p.job) === 'resumable';
    const args = worker.args(p.job);
    mkdirSync(dirname(p.job.log), { recursive: true });
    const log = openSync(p.job.log, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN_SCRIPT, ...args], {
      cwd: REPOSITORY_ROOT,
      stdio: ['ignore', log, log],
      env: { ...process.env, NODE_ENV: 'production', FORCE_COLOR: '0' },
    });
    closeSync(log);
    children.set(p.job.name, child);
    p.status = 'running';
    events.onLine(`start  ${p.job.name}${resuming ? ' (resuming from its checkpoint)' : ''}`);
    child.on('exit', (code, signal) => {
      children.delete(p.job.name);
      const onDisk = worker.state(p.job);
      if (onDisk === 'finished') {
        p.status = 'finished';
        p.step = p.job.steps;
        events.onLine(`done   ${p.job.name}`);
      } else if (stopping) {
        p.status = 'stopped';
        events.onLine(`stopped ${p.job.name} at step ${p.step}`);
      } else {
        p.status = 'failed';
        p.problem = `exit ${signal ?? code}: ${lastLines(p.job.log)}`;
        events.onLine(`FAILED ${p.job.name} (${p.problem}); its log: ${p.job.log}`);
        blockDependents(p.job.name);
      }
      changed();
      schedule();
    });
    child.on('error', (error) => events.onLine(`cannot start ${p.job.name}: ${error.message}`));
  };

  const blockDependents = (failed: string) => {
    for (const p of progress) {
      if (p.status === 'pending' && p.job.dependsOn.includes(failed)) {
        p.status = 'blocked';
        p.problem = `${failed} failed`;
        blockDependents(p.job.name);
      }
    }
  };

  const schedule = () => {
    if (!stopping) {
      for (const p of progress) {
        if (children.size >= parallel) break;
        if (ready(p)) launch(p);
      }
    }
    if (children.size === 0 && (stopping || !progress.some(ready))) {
      clearInterval(poll);
      resolveDone(progress);
    }
  };

  // The running runs' steps, from their event files, for the progress display.
  const poll = setInterval(() => {
    for (const p of progress) if (p.status === 'running' && p.job.workDir) p.step = lastStepOf(p.job.workDir) ?? p.step;
    changed();
  }, 1000);

  changed();
  setImmediate(schedule);
  return {
    done,
    stop(signal) {
      stopping = true;
      for (const child of children.values()) child.kill(signal);
      for (const p of progress) if (p.status === 'pending') p.status = 'stopped';
      changed();
      schedule();
    },
    abort() {
      stopping = true;
      for (const child of children.values()) child.kill('SIGKILL');
    },
  };
}

/** The last non-empty line of a log, for a one-line failure message. */
function lastLines(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    return lines.at(-1)?.slice(0, 300) ?? '';
  } catch {
    return 'no log';
  }
}
