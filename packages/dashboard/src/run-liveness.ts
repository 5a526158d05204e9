import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES, readRunLock } from '@sieve/core';

/**
 * Why the run writing `dir` is not live, or null while it is: its lock is held by a process that
 * still runs, or by one on another host (whose life this host cannot see, so it counts as live).
 */
export function whyNotLive(dir: string): string | null {
  const lock = readRunLock(dir);
  if (lock === null) return 'no process holds its lock';
  if (lock.live !== false) return null;
  return `its process ${lock.pid} is gone`;
}

/** What the dashboard says of a run that is not live and has no summary: where it stopped and how to go on. */
export function notLiveNote(dir: string, why: string, lastPointStep: number | null): string {
  const reached = lastPointStep === null ? 'no point written' : `last point at step ${lastPointStep}`;
  const next = existsSync(join(dir, RUN_FILES.config))
    ? `resume it with: nx run trainer:train --resume ${dir}`
    : `it has no config.json to resume from: start it again with --out ${dir} --overwrite`;
  return `the run in ${dir} is not live (${why}): ${reached}, no summary; ${next}`;
}
