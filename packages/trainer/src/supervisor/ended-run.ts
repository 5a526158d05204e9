import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES, noPointEnergy, parsePoints, perPhase, type BenchmarkPoint, type RunConfig, type RunFailureInfo, type RunStartInfo, type RunSummary } from '@sieve/core';
import { RunFiles, checkpointDir } from '@sieve/engine';

/** What the supervisor saw of a run whose training thread it had to end. */
export interface SeenOfRun {
  start: RunStartInfo | null;
  lastStep: { step: number; stepsPerSecond: number; elapsedSeconds: number } | null;
}

/** The step of the run's checkpoint on disk, or null without a readable one. */
export function checkpointStepOf(outDir: string): number | null {
  try {
    const state = JSON.parse(readFileSync(join(checkpointDir(outDir), 'state.json'), 'utf8')) as { step?: unknown };
    return typeof state.step === 'number' ? state.step : null;
  } catch {
    return null;
  }
}

/** The points on disk; a damaged file counts as none (resume names its line). */
function pointsOnDisk(outDir: string): BenchmarkPoint[] {
  try {
    const path = join(outDir, RUN_FILES.points);
    return existsSync(path) ? parsePoints(readFileSync(path, 'utf8'), path).points : [];
  } catch {
    return [];
  }
}

/** "Kept in DIR: …", the end of every message about a run that did not complete. */
export function keptLine(outDir: string): string {
  const last = pointsOnDisk(outDir).at(-1);
  const checkpoint = checkpointStepOf(outDir);
  if (!last && checkpoint === null) return `Nothing was kept but the settings in ${outDir}; a resume starts from step 0.`;
  const pointPart = last ? `every point up to step ${last.step}` : 'no point yet';
  const checkpointPart = checkpoint === null ? 'no checkpoint yet (a resume starts from step 0)' : `the checkpoint at step ${checkpoint}`;
  return `Kept in ${outDir}: ${pointPart} and ${checkpointPart}.`;
}

/**
 * Ends the run folder of a run whose training thread could not end it itself (it stalled, ran
 * out of memory, or was aborted): the summary from the points on disk, and a closing event.
 */
export async function writeEndedRun(
  config: RunConfig,
  seen: SeenOfRun,
  end: { status: 'stopped' | 'failed'; failure: RunFailureInfo | null },
): Promise<RunSummary> {
  const files = new RunFiles(config.out);
  const points = pointsOnDisk(config.out);
  const finalPoint = points.at(-1) ?? null;
  const best = points.reduce<BenchmarkPoint | null>((top, p) => (top === null || p.score > top.score ? p : top), null);
  const summary: RunSummary = {
    runId: seen.start?.runId ?? 'unknown',
    status: end.status,
    failure: end.failure,
    task: config.task,
    selector: config.selector,
    backend: seen.start?.backend ?? config.backend,
    seed: config.seed,
    steps: end.failure ? end.failure.step - 1 : (seen.lastStep?.step ?? finalPoint?.step ?? 0),
    stepsPerSecond: seen.lastStep?.stepsPerSecond ?? 0,
    wallSeconds: seen.lastStep?.elapsedSeconds ?? finalPoint?.wallSeconds ?? 0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    finalPoint,
    bestScore: best?.score ?? null,
    bestScoreStep: best?.step ?? null,
    flopsByPhase: finalPoint?.flopsByPhase ?? perPhase(() => 0),
    secondsByPhase: finalPoint?.secondsByPhase ?? perPhase(() => 0),
    energy: finalPoint?.energy ?? noPointEnergy(),
    reference: null,
    meterOverhead: null,
    config,
  };
  if (end.failure) files.appendEvent({ type: 'warning', message: `run stopped at step ${end.failure.step}, ${end.failure.phase}: ${end.failure.message}` });
  files.appendEvent({ type: 'run-end', summary });
  await files.writeSummary(summary);
  return summary;
}
