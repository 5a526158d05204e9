import type { BenchmarkPoint, RunEvent, RunEvents, RunStartInfo, RunSummary } from '@sieve/core';
import { formatDuration, formatExponential, formatFixed, formatStepsPerSecond, formatWatts } from './format';
import { etaSecondsOf } from './run-store';

/** Least time between two progress lines. */
export const PROGRESS_INTERVAL_MS = 5000;

const keyValue = (key: string, value: string) => `${key}=${value}`;
const fraction = (value: number | null, digits = 3) => (value === null ? 'na' : value.toFixed(digits));
const joules = (value: number | null) => (value === null ? 'na' : value.toFixed(1));

export function runStartLine(info: RunStartInfo): string {
  const sources = info.energySources
    .filter((source) => source.available)
    .map((source) => `${source.name}(${source.measured ? 'measured' : 'estimated'})`);
  return [
    'start',
    keyValue('run', info.runId),
    keyValue('task', info.task),
    keyValue('kind', info.taskKind),
    keyValue('selector', info.selector),
    keyValue('backend', info.backend),
    keyValue('steps', String(info.totalSteps)),
    keyValue('batch', String(info.batchSize)),
    keyValue('superbatch', String(info.superBatchSize)),
    keyValue('energy', sources.length > 0 ? sources.join(',') : 'none'),
  ].join(' ');
}

export function progressLine(event: Extract<RunEvent, { type: 'step' }>): string {
  const eta = etaSecondsOf(event.step, event.totalSteps, event.stepsPerSecond);
  const parts = [
    `step ${event.step}/${event.totalSteps}`,
    `loss ${formatFixed(event.loss, 3)}`,
    formatStepsPerSecond(event.stepsPerSecond),
    `eta ${formatDuration(eta)}`,
  ];
  if (event.powerWatts !== null) parts.push(formatWatts(event.powerWatts));
  return parts.join(' ');
}

export function pointLine(point: BenchmarkPoint): string {
  const accuracy = point.retrieval
    ? [
        keyValue('i2t@1', fraction(point.retrieval.imageToText.at1)),
        keyValue('t2i@1', fraction(point.retrieval.textToImage.at1)),
        keyValue('i2t@10', fraction(point.retrieval.imageToText.at10)),
        ...(point.zeroShotAccuracy !== null ? [keyValue('zs', fraction(point.zeroShotAccuracy))] : []),
      ]
    : point.testAccuracy !== null && point.zeroShotAccuracy === null
      ? [keyValue('acc', fraction(point.testAccuracy))]
      : [keyValue('zs', fraction(point.zeroShotAccuracy)), keyValue('attr', fraction(point.attributeZeroShotAccuracy))];
  const makeUp = Object.entries(point.selection.makeUp).map(([tag, share]) => keyValue(tag, share.toFixed(2)));
  return [
    'point',
    keyValue('step', String(point.step)),
    keyValue('score', fraction(point.score)),
    ...accuracy,
    keyValue('loss', fraction(point.trainLoss)),
    keyValue('flops', formatExponential(point.flopsTotal)),
    keyValue('J', joules(point.energy.joulesTotal)),
    keyValue('dJ', joules(point.energy.joulesSinceLastPoint)),
    ...makeUp,
    ...(point.energy.kind ? [keyValue('energy', point.energy.kind)] : []),
  ].join(' ');
}

export function summaryLine(summary: RunSummary): string {
  const parts = [
    'end',
    keyValue('status', summary.status),
    keyValue('steps', String(summary.steps)),
    keyValue('wall', `${summary.wallSeconds.toFixed(1)}s`),
    keyValue('steps/s', summary.stepsPerSecond.toFixed(2)),
    keyValue('best', fraction(summary.bestScore)),
    keyValue('best_step', summary.bestScoreStep === null ? 'na' : String(summary.bestScoreStep)),
    keyValue('final', fraction(summary.finalPoint?.score ?? null)),
    keyValue('flops', formatExponential(summary.finalPoint?.flopsTotal ?? null)),
    keyValue('J', joules(summary.energy.joulesTotal)),
  ];
  if (summary.energy.kind) parts.push(keyValue('energy', summary.energy.kind));
  return parts.join(' ');
}

/**
 * Plain, greppable lines for logs and CI: one at the start, one per phase end, progress at
 * most every PROGRESS_INTERVAL_MS of `clock` (milliseconds), one per benchmark point, logs as
 * they are, warnings prefixed `warning:`, and a summary at the end. Returns the unsubscribe.
 */
export function createPlainLogger(
  events: RunEvents,
  write: (line: string) => void,
  clock: () => number = () => Date.now(),
): () => void {
  let lastProgressMs: number | null = null;
  return events.subscribe((event) => {
    switch (event.type) {
      case 'run-start':
        write(runStartLine(event.info));
        return;
      case 'phase-start':
        return;
      case 'phase-end':
        write(`phase ${event.phase} done in ${event.seconds.toFixed(1)} s`);
        return;
      case 'step': {
        const nowMs = clock();
        if (lastProgressMs !== null && nowMs - lastProgressMs < PROGRESS_INTERVAL_MS) return;
        lastProgressMs = nowMs;
        write(progressLine(event));
        return;
      }
      case 'point':
        write(pointLine(event.point));
        return;
      case 'log':
        write(event.message);
        return;
      case 'warning':
        write(`warning: ${event.message}`);
        return;
      case 'run-end':
        write(summaryLine(event.summary));
        return;
    }
  });
}
