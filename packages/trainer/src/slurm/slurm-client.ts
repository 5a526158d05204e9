import { execa } from 'execa';

/** Whether Slurm's client commands are on PATH. */
export async function slurmAvailable(): Promise<boolean> {
  const result = await execa('sbatch', ['--version'], { reject: false });
  return result.exitCode === 0;
}

/** One line of `squeue`: a job or an array task (`12_3`), its state and Slurm's reason. */
export interface QueueEntry {
  /** The job id, and the array task id for an array task. */
  jobId: string;
  taskId: number | null;
  state: string;
  reason: string;
}

/**
 * The tasks of `jobIds` that Slurm still knows of: waiting, running, or ended within its
 * `MinJobAge` (five minutes by default). A job Slurm has forgotten is simply not listed.
 */
export async function queueOf(jobIds: readonly string[]): Promise<QueueEntry[]> {
  if (jobIds.length === 0) return [];
  const result = await execa('squeue', ['--noheader', '--array', '--states=all', '--jobs', jobIds.join(','), '--format=%i|%T|%r'], { reject: false });
  if (result.exitCode !== 0) {
    // squeue fails when none of the ids is known any more.
    if (/Invalid job id/i.test(result.stderr)) return [];
    throw new Error(`squeue failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  }
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id, state, reason] = line.trim().split('|');
      const [jobId, task] = id.split('_');
      return { jobId, taskId: task !== undefined && /^\d+$/.test(task) ? Number(task) : null, state, reason: reason ?? '' };
    });
}

/** Slurm states of a job that has not ended. */
export const ACTIVE_STATES = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'RESIZING', 'SIGNALING', 'STAGE_OUT']);

/** Polls `squeue` until none of `jobIds` is waiting or running, with a line every 30 s. */
export async function waitForJobs(jobIds: readonly string[], write: (line: string) => void): Promise<void> {
  let lastLineAt = Date.now();
  for (;;) {
    const active = (await queueOf(jobIds)).filter((entry) => ACTIVE_STATES.has(entry.state));
    if (active.length === 0) return;
    if (Date.now() - lastLineAt >= 30_000) {
      lastLineAt = Date.now();
      write(`waiting for Slurm: ${active.length} tasks queued or running`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Slurm's default `MaxArraySize`: array task ids run from 0 to 1000. */
const DEFAULT_MAX_ARRAY_SIZE = 1001;

/** The cluster's `MaxArraySize` (array task ids must stay below it), from `scontrol show config`. */
export async function maxArraySize(): Promise<number> {
  const result = await execa('scontrol', ['show', 'config'], { reject: false });
  const match = /^MaxArraySize\s*=\s*(\d+)/m.exec(result.stdout);
  return match ? Number(match[1]) : DEFAULT_MAX_ARRAY_SIZE;
}
