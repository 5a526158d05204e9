import type { JobProgress } from './scheduler';

export interface ProgressSummary {
  /** Jobs finished (in this session or an earlier one) of all jobs. */
  finished: number;
  total: number;
  running: { name: string; step: number; steps: number }[];
  failed: string[];
  /** Remaining work at the rate of the work done since this session started; null before there is any. */
  etaSeconds: number | null;
}

/**
 * Where the bench stands. The ETA assumes the steps still to do go at the rate (steps per second,
 * over all parallel jobs) of those done so far in this session: rough, since a step of a
 * selector that scores costs more than one of uniform, but it improves as the bench goes on.
 */
export function summariseProgress(progress: readonly JobProgress[], stepsAtStart: number, elapsedSeconds: number): ProgressSummary {
  const stepsDone = progress.reduce((sum, p) => sum + Math.min(p.step, p.job.steps), 0);
  const stepsTotal = progress.reduce((sum, p) => sum + p.job.steps, 0);
  const doneThisSession = stepsDone - stepsAtStart;
  const rate = elapsedSeconds > 0 ? doneThisSession / elapsedSeconds : 0;
  return {
    finished: progress.filter((p) => p.status === 'finished' || p.status === 'skipped').length,
    total: progress.length,
    running: progress.filter((p) => p.status === 'running').map((p) => ({ name: p.job.name, step: p.step, steps: p.job.steps })),
    failed: progress.filter((p) => p.status === 'failed' || p.status === 'blocked').map((p) => p.job.name),
    etaSeconds: rate > 0 ? (stepsTotal - stepsDone) / rate : null,
  };
}

export function stepsDoneOf(progress: readonly JobProgress[]): number {
  return progress.reduce((sum, p) => sum + Math.min(p.step, p.job.steps), 0);
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One plain line: `jobs 5/27 done · running jest-seed0 1200/4000, … · ETA 25m00s`. */
export function progressLine(summary: ProgressSummary): string {
  const running = summary.running.map((r) => `${r.name} ${r.step}/${r.steps}`).join(', ');
  return [
    `jobs ${summary.finished}/${summary.total} done`,
    running ? `running ${running}` : null,
    summary.failed.length > 0 ? `failed ${summary.failed.join(', ')}` : null,
    summary.etaSeconds === null ? 'ETA –' : `ETA ${formatDuration(summary.etaSeconds)}`,
  ]
    .filter((part) => part !== null)
    .join(' · ');
}
