import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RUN_FILES, UserInputError, isTaskName, pointProblem, superBatchSizeOf, taskKindOf, taskKindOfPoint } from '@sieve/core';
import type { BenchmarkPoint, JsonLine, RunEvent, RunStartInfo, RunSummary } from '@sieve/core';
import { JsonlTail } from './jsonl-tail';
import { initialDashboardState, reduceRunEvent } from './run-store';
import type { DashboardState } from './run-store';

const PAYLOAD_OF: Record<RunEvent['type'], string> = {
  'run-start': 'info',
  'phase-start': 'phase',
  'phase-end': 'phase',
  step: 'step',
  point: 'point',
  warning: 'message',
  log: 'message',
  'run-end': 'summary',
};

/** A light shape check: a known event type carrying its payload field. */
export function isRunEvent(value: unknown): value is RunEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && Object.hasOwn(PAYLOAD_OF, type) && PAYLOAD_OF[type as RunEvent['type']] in value;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Throws a UserInputError naming `--run` unless `dir` is the folder of a run that has started. */
export async function checkRunFolder(dir: string): Promise<void> {
  const stats = await stat(dir).catch(() => null);
  if (!stats) {
    throw new UserInputError('--run', `${dir} does not exist; pass the output folder of a run (the --out given to sieve train).`);
  }
  if (!stats.isDirectory()) {
    throw new UserInputError('--run', `${dir} is a file; pass the run's output folder, the one that holds events.jsonl.`);
  }
  const found = await Promise.all(Object.values(RUN_FILES).map((name) => exists(join(dir, name))));
  if (!found.some(Boolean)) {
    throw new UserInputError(
      '--run',
      `${dir} holds no run (no events.jsonl, points.jsonl or summary.json); pass the --out folder of a run that has started.`,
    );
  }
}

/** A file's JSON: null when it is missing, `undefined` when it is there but not JSON. */
async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const notARun = (dir: string, file: string, problem: string) =>
  new UserInputError('--run', `${join(dir, file)} ${problem}: ${dir} is not the folder of a run; pass the --out folder of a run of nx run trainer:train.`);

type Fields = Record<string, unknown>;
const asFields = (value: unknown): Fields => (typeof value === 'object' && value !== null ? (value as Fields) : {});
const text = (value: unknown, fallback: string) => (typeof value === 'string' && value !== '' ? value : fallback);
const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * A run-start for a folder without events.jsonl, pieced together from config.json, the
 * summary and the first point: enough for the header, the table and the progress bar.
 */
export function runStartFromFiles(
  dir: string,
  config: unknown,
  summary: RunSummary | null,
  firstPoint: BenchmarkPoint | null,
): RunStartInfo {
  const fields = asFields(config ?? summary?.config);
  const batchSize = count(fields.batchSize);
  const filterRatio = count(fields.filterRatio);
  const task = text(fields.task, text(summary?.task, 'unknown task'));
  return {
    runId: text(summary?.runId, basename(dir)),
    outDir: dir,
    task,
    taskKind: isTaskName(task) ? taskKindOf(task) : taskKindOfPoint(firstPoint ?? undefined),
    selector: text(fields.selector, text(summary?.selector, 'unknown selector')),
    backend: text(summary?.backend, text(fields.backend, 'unknown backend')),
    totalSteps: count(fields.steps),
    batchSize,
    superBatchSize: batchSize > 0 && filterRatio > 0 && filterRatio < 1 ? superBatchSizeOf(batchSize, filterRatio) : 0,
    evalEvery: count(fields.evalEvery),
    poolSize: 0,
    poolMakeUp: firstPoint?.selection.poolMakeUp ?? {},
    energySources: (firstPoint?.energy.sources ?? []).map((source) => ({
      name: source.name,
      available: true,
      measured: source.measured,
      devices: [],
      detail: '',
    })),
  };
}

/**
 * The events of a run folder, read a little more at each `poll` while the run goes on:
 * from events.jsonl when it exists, else pieced together from points.jsonl and
 * summary.json. `finished` turns true once summary.json exists (and the run-end is out).
 * A bad line among good ones is a warning; a file with bad lines and not one good one is not
 * a run's (random bytes, another program's file) and `poll` throws a UserInputError naming it.
 */
export class RunFolderSource {
  finished = false;
  /** The step of the last point read, null before the first. */
  lastPointStep: number | null = null;
  private goodLines = 0;
  private firstBadLine: { file: string; line: JsonLine; why: string } | null = null;
  private mode: 'events' | 'points' | null = null;
  private sawRunStart = false;
  private sawRunEnd = false;
  private totalSteps = 0;
  private readonly eventsTail: JsonlTail;
  private readonly pointsTail: JsonlTail;

  constructor(readonly dir: string) {
    this.eventsTail = new JsonlTail(join(dir, RUN_FILES.events));
    this.pointsTail = new JsonlTail(join(dir, RUN_FILES.points));
  }

  /** Whether any line read so far was a run event (or a point, without events.jsonl). */
  get readAnything(): boolean {
    return this.goodLines > 0;
  }

  /**
   * Events written since the last poll. With `final` (the writer is gone), a last line without
   * its newline is read too.
   */
  async poll(options: { final?: boolean } = {}): Promise<RunEvent[]> {
    if (this.finished) return [];
    // Look for the summary first: every line written before it is then read below.
    const summaryValue = await readJsonFile(join(this.dir, RUN_FILES.summary));
    // The engine writes summary.json whole (written aside, then renamed), so one that is not JSON is not a run's.
    if (summaryValue === undefined) throw notARun(this.dir, RUN_FILES.summary, 'is not JSON');
    const summary = summaryValue && typeof summaryValue === 'object' ? (summaryValue as RunSummary) : null;
    this.mode ??= (await exists(this.eventsTail.path))
      ? 'events'
      : summary || (await exists(this.pointsTail.path))
        ? 'points'
        : null;
    if (this.mode === null) return [];
    const final = summary !== null;
    const whole = final || options.final === true;
    const events = this.mode === 'events' ? await this.fromEvents(whole) : await this.fromPoints(summary, whole);
    if (this.goodLines === 0 && this.firstBadLine !== null) {
      const { file, line, why } = this.firstBadLine;
      throw notARun(this.dir, file, `line ${line.lineNumber} ${why}, and no line of it is a ${this.mode === 'events' ? 'run event' : 'benchmark point'}`);
    }
    if (final) {
      if (!this.sawRunEnd) events.push({ type: 'run-end', summary: summary });
      this.finished = true;
    }
    return events;
  }

  private skipped(file: string, line: JsonLine, why: string): RunEvent {
    this.firstBadLine ??= { file, line, why };
    return { type: 'warning', message: `${file} line ${line.lineNumber} ${why}; skipped` };
  }

  private async fromEvents(final: boolean): Promise<RunEvent[]> {
    const events: RunEvent[] = [];
    for (const line of await this.eventsTail.read({ final })) {
      if (line.error !== undefined) events.push(this.skipped(RUN_FILES.events, line, 'is not valid JSON'));
      else if (!isRunEvent(line.value)) events.push(this.skipped(RUN_FILES.events, line, 'is not a run event'));
      else {
        this.goodLines++;
        if (line.value.type === 'run-end') this.sawRunEnd = true;
        if (line.value.type === 'point') this.lastPointStep = line.value.point.step;
        events.push(line.value);
      }
    }
    return events;
  }

  private async fromPoints(summary: RunSummary | null, final: boolean): Promise<RunEvent[]> {
    const events: RunEvent[] = [];
    const points: BenchmarkPoint[] = [];
    for (const line of await this.pointsTail.read({ final })) {
      if (line.error !== undefined) events.push(this.skipped(RUN_FILES.points, line, 'is not valid JSON'));
      else if (pointProblem(line.value) !== null) events.push(this.skipped(RUN_FILES.points, line, 'is not a benchmark point'));
      else {
        const point = line.value as BenchmarkPoint;
        this.goodLines++;
        this.lastPointStep = point.step;
        points.push(point);
      }
    }
    if (!this.sawRunStart) {
      const config = await readJsonFile(join(this.dir, RUN_FILES.config));
      const info = runStartFromFiles(this.dir, config, summary, points[0] ?? null);
      events.unshift({ type: 'run-start', info });
      this.totalSteps = info.totalSteps;
      this.sawRunStart = true;
    }
    for (const point of points) {
      // A step per point gives the progress bar and the loss chart something to show.
      if (point.trainLoss !== null) {
        events.push({
          type: 'step',
          step: point.step,
          totalSteps: this.totalSteps,
          loss: point.trainLoss,
          stepsPerSecond: point.wallSeconds > 0 ? point.step / point.wallSeconds : 0,
          elapsedSeconds: point.wallSeconds,
          powerWatts: null,
        });
      }
      events.push({ type: 'point', point });
    }
    return events;
  }
}

/** The dashboard state of a run folder as it is now (finished or not), without drawing it. */
export async function readRunFolder(dir: string): Promise<DashboardState> {
  await checkRunFolder(dir);
  const events = await new RunFolderSource(dir).poll();
  return events.reduce((state: DashboardState, event) => reduceRunEvent(state, event), initialDashboardState());
}
