import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '@sieve/core';
import { ACTIVE_STATES, queueOf } from './slurm-client';

/** One submission to Slurm, as a folder's `submissions.jsonl` records it. */
export interface SlurmSubmission {
  submittedAt: string;
  /** Slurm job ids by role (e.g. `runs`, `report`); a role with nothing to do was not submitted. */
  jobs: Record<string, string>;
  /** The task ids each array job ran, by role. */
  indices: Record<string, number[]>;
}

function submissionsFile(folder: string): string {
  return join(folder, 'submissions.jsonl');
}

export function recordSubmission(folder: string, submission: SlurmSubmission): void {
  mkdirSync(folder, { recursive: true });
  appendFileSync(submissionsFile(folder), `${JSON.stringify(submission)}\n`);
}

/** The folder's last submission, or null when nothing was submitted from it. */
export function latestSubmission(folder: string): SlurmSubmission | null {
  const path = submissionsFile(folder);
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  try {
    return lines.length > 0 ? (JSON.parse(lines[lines.length - 1]) as SlurmSubmission) : null;
  } catch {
    return null; // a torn last line: as if never submitted
  }
}

export function jobIdsOf(submission: SlurmSubmission): string[] {
  return Object.values(submission.jobs);
}

/**
 * Refuses to submit again while the folder's last submission is still queued or running: two
 * sets of tasks would write the same files.
 */
export async function refuseWhileActive(folder: string, flag: string, follow: string): Promise<void> {
  const previous = latestSubmission(folder);
  if (!previous) return;
  const ids = jobIdsOf(previous);
  const active = (await queueOf(ids)).filter((entry) => ACTIVE_STATES.has(entry.state));
  if (active.length > 0) {
    throw new UserInputError(
      flag,
      `the Slurm jobs ${ids.join(', ')} submitted before are still queued or running (${active.length} tasks); ` +
        `${follow}, or cancel them (scancel ${ids.join(' ')}) before submitting again.`,
    );
  }
}
