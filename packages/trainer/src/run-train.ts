/**
 * The supervisor of a training run. The run itself (data, selector, loop) works in a worker
 * thread; this thread only relays what it says to the screen and stays responsive whatever a
 * plugin does there. A worker thread rather than a child process: signals reach this thread
 * alone, `terminate()` ends a thread stuck in a loop that never yields, a heap limit ends as an
 * error this thread catches, and the run keeps one process, one exit code and one meter.
 */
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import {
  ONE_OFF_PHASES,
  RunEvents,
  RunFailure,
  UserInputError,
  acquireRunLock,
  isRunFailure,
  isUserInputError,
  describeFsError,
  type Phase,
  type RunConfig,
  type RunEvent,
  type RunFailureInfo,
  type RunSummary,
} from '@sieve/core';
import { RunFiles, checkResumeSettings, type LoopActivity } from '@sieve/engine';
import { createPlainLogger, mountDashboard, shouldUseDashboard, type MountedDashboard } from '@sieve/dashboard';
import { checkOutDir } from './out-dir';
import { StallWatch, STALL_STEP_FACTOR, type Stall } from './supervisor/stall-watch';
import { keptLine, writeEndedRun, type SeenOfRun } from './supervisor/ended-run';
import { deserializeError, type FromWorker, type ToWorker, type WorkerInput } from './supervisor/worker-messages';

/** Signals within this long of the first count as that one (a terminal's Ctrl-C reaches every process of its group). */
const SAME_SIGNAL_MS = 1000;
/** After a stop request, this long without a sign of life ends the work at once. */
const ABORT_AFTER_STOP_MS = 10_000;
const WATCH_INTERVAL_MS = 500;
/** The line that tells how to carry on a stopped run, followed by its folder. */
export const RESUME_HINT = 'carry on with: nx run trainer:train --resume';

export interface TrainOptions {
  overwrite: boolean;
  /** Carry on the run in `config.out` from its checkpoint. */
  resume?: boolean;
  /** Where plain lines go (stdout by default). */
  write?: (line: string) => void;
}

export interface TrainResult {
  summary: RunSummary;
  /** The signal that stopped the run (it wrote the summary `stopped`). */
  stopSignal: 'SIGINT' | 'SIGTERM' | null;
}

/** How the training thread's work ended. */
type Outcome =
  | { kind: 'done'; summary: RunSummary }
  | { kind: 'error'; error: Error }
  | { kind: 'ended'; summary: RunSummary; failure: RunFailureInfo | null };

/**
 * Trains `config` under supervision: one writer per run folder, a resume checked against its
 * checkpoint's settings before anything is written, signals that always reach the run, and a
 * summary written whatever happens to the work (a stall, out-of-memory, an abort).
 */
export async function runTrain(config: RunConfig, options: TrainOptions): Promise<TrainResult> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const resume = options.resume === true;
  const folderExisted = existsSync(config.out);
  // A folder that cannot be made is named as such, before the lock tries to make it.
  if (!resume && !folderExisted) checkOutDir(config.out, options.overwrite);
  // One writer per run folder, from before anything is written until the summary is.
  const lock = acquireRunLock(config.out, (message) => write(`warning: ${message}`), resume ? '--resume' : options.overwrite ? '--overwrite' : '--out');
  try {
    // A live run's folder is refused by the lock, naming its process; a finished one here.
    if (!resume) checkOutDir(config.out, options.overwrite);
    // A refused resume writes nothing into the run folder.
    if (resume) checkResumeSettings(config.out, config);
    return await supervise(config, { overwrite: options.overwrite, resume }, write);
  } finally {
    lock.release();
    // Refused before it wrote anything: the folder the lock made goes too.
    if (!folderExisted && readdirSync(config.out).length === 0) rmdirSync(config.out);
  }
}

async function supervise(config: RunConfig, input: { overwrite: boolean; resume: boolean }, write: (line: string) => void): Promise<TrainResult> {
  const events = new RunEvents();
  const stopPlainLines = shouldUseDashboard(config.dashboard, process.env, process.stdout) ? null : createPlainLogger(events, write);
  let screen: MountedDashboard | null = null;
  const seen: SeenOfRun = { start: null, lastStep: null };
  const watch = new StallWatch(config.guards.stallSeconds);
  let activity: LoopActivity | null = null;
  let lastSignOfLifeMs = Date.now();
  let stopRequestedAtMs: number | null = null;
  let stopSignal: TrainResult['stopSignal'] = null;

  const workerInput: WorkerInput = { config, ...input };
  const worker = new Worker(new URL('./supervisor/train-worker.mjs', import.meta.url), { workerData: workerInput });
  const tell = (message: ToWorker) => worker.postMessage(message);
  const requestStop = () => {
    stopRequestedAtMs ??= Date.now();
    tell({ kind: 'stop' });
    screen?.markStopping();
  };

  let settle!: (outcome: Outcome) => void;
  let settled = false;
  const outcome = new Promise<Outcome>((resolve) => {
    settle = (result) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
  });
  let ending = false;
  /**
   * Ends the work at once and closes the run folder with a summary of `status`; `failure` is
   * worked out once the thread is gone, from what it left on disk.
   */
  const endWork = async (status: 'stopped' | 'failed', failure: () => RunFailureInfo | null) => {
    if (settled || ending) return;
    ending = true;
    await worker.terminate();
    const info = failure();
    if (!seen.start) {
      settle({ kind: 'error', error: info ? new RunFailure(info) : new UserInputError('--out', `the run was stopped before it started; nothing was trained.`) });
      return;
    }
    try {
      settle({ kind: 'ended', summary: await writeEndedRun(config, seen, { status, failure: info }), failure: info });
    } catch (error) {
      const why = describeFsError(error)?.problem ?? String(error);
      settle({ kind: 'error', error: info ? new RunFailure({ ...info, message: `${info.message} (summary.json could not be written: ${why})` }) : (error as Error) });
    }
  };

  const onEvent = (event: RunEvent, nowMs: number) => {
    if (event.type === 'run-start') {
      seen.start = event.info;
      // The live screen starts with the run; the lines before it (backend, data) are plain.
      if (!stopPlainLines) screen = mountDashboard(events, { onStopRequested: requestStop, refreshIntervalMs: 500 });
    } else if (event.type === 'step') {
      seen.lastStep = { step: event.step, stepsPerSecond: event.stepsPerSecond, elapsedSeconds: event.elapsedSeconds };
      watch.stepDone(nowMs);
    } else if (event.type === 'phase-start' && isOneOff(event.phase)) {
      watch.pause();
    } else if (event.type === 'phase-end' && isOneOff(event.phase)) {
      watch.resume(nowMs);
    }
    events.emit(event);
  };

  worker.on('message', (message: FromWorker) => {
    if (settled || ending) return;
    const nowMs = Date.now();
    lastSignOfLifeMs = nowMs;
    switch (message.kind) {
      case 'line':
        write(message.text);
        return;
      case 'event':
        watch.alive(nowMs);
        onEvent(message.event, nowMs);
        return;
      case 'activity':
        activity = message.activity;
        watch.enter(message.activity, nowMs);
        return;
      case 'done':
        settle({ kind: 'done', summary: message.summary });
        return;
      case 'error':
        void failWith(deserializeError(message.error));
        return;
    }
  });
  worker.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') void endWork('failed', () => outOfMemory(config, seen, activity));
    else void failWith(error);
  });
  worker.on('exit', () => {
    if (!settled) void endWork('failed', () => endedWithoutFinishing(config, seen, activity));
  });

  /** An error of the work: an operating-system error is the user's to fix, before the run or during it. */
  const failWith = async (error: NodeJS.ErrnoException) => {
    // A failed run (its summary written by the work) and a user's mistake are already one line each.
    if (isRunFailure(error) || isUserInputError(error)) {
      settle({ kind: 'error', error });
      return;
    }
    // Some writes (through a file descriptor) do not say which file: the phase does.
    const where = activity?.phase === 'checkpoint' ? join(config.out, 'checkpoint') : config.out;
    const fs = describeFsError({ code: error.code, path: error.path ?? where });
    if (!fs && seen.start) {
      // Sieve's own fault in the middle of a run: its stack for the report, and a summary that says failed.
      process.stderr.write(`${error.stack ?? error.message}\n`);
      const step = activity?.step ?? (seen.lastStep?.step ?? 0) + 1;
      const firstLine = error.message.split('\n')[0];
      await endWork('failed', () => ({
        step,
        phase: activity?.phase ?? 'training',
        message: `unexpected error: ${firstLine}. This is a fault of Sieve's (its stack is printed above): please report it; the run resumes once it is fixed. ${keptLine(config.out)}`,
      }));
      return;
    }
    if (!fs) {
      settle({ kind: 'error', error });
      return;
    }
    if (!seen.start) {
      settle({ kind: 'error', error: new UserInputError(fs.path ?? '--out', `${fs.problem}; ${fs.fix}.`) });
      return;
    }
    const step = activity?.step ?? (seen.lastStep?.step ?? 0) + 1;
    await endWork('failed', () => ({ step, phase: activity?.phase ?? 'training', message: `${fs.problem}; ${fs.fix}. ${keptLine(config.out)}` }));
  };

  let interrupts = 0;
  let firstSignalAtMs = 0;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    interrupts++;
    if (interrupts > 1) {
      if (Date.now() - firstSignalAtMs > SAME_SIGNAL_MS) void endWork('stopped', () => null);
      return;
    }
    firstSignalAtMs = Date.now();
    stopSignal = signal;
    events.emit({ type: 'log', message: 'stopping after this step (interrupt again to abort)' });
    requestStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer = setInterval(() => {
    const nowMs = Date.now();
    if (stopRequestedAtMs !== null && nowMs - Math.max(lastSignOfLifeMs, stopRequestedAtMs) > ABORT_AFTER_STOP_MS) {
      events.emit({ type: 'warning', message: `no sign of life for ${ABORT_AFTER_STOP_MS / 1000} s after the stop request: ending the work now` });
      void endWork('stopped', () => null);
      return;
    }
    const stall = watch.check(nowMs);
    if (stall) void endWork('failed', () => stalled(config, seen, stall, watch.medianStepSeconds()));
  }, WATCH_INTERVAL_MS);

  try {
    const result = await outcome;
    if (result.kind === 'error') throw result.error;
    if (result.kind === 'ended' && result.failure) throw new RunFailure(result.failure);
    if (result.summary.status === 'stopped') {
      // Also in the run's log: where Nx has gone quiet after a Ctrl-C, the folder still says how to go on.
      new RunFiles(config.out).appendEvent({ type: 'log', message: `${RESUME_HINT} ${config.out}` });
    }
    return { summary: result.summary, stopSignal: result.summary.status === 'stopped' ? stopSignal : null };
  } finally {
    clearInterval(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await (screen as MountedDashboard | null)?.unmount();
    stopPlainLines?.();
    await worker.terminate();
  }
}

function isOneOff(phase: Phase | 'data'): boolean {
  return (ONE_OFF_PHASES as readonly string[]).includes(phase);
}

/** "selector "x" (plugin y)'s select()", or the phase's own name. */
function whatRan(seen: SeenOfRun, activity: LoopActivity | null): string {
  if (!activity) return seen.start ? 'the run' : 'the setup (selector, data)';
  if (activity.phase !== 'selection') return activity.phase;
  const selector = seen.start?.selector ?? 'the selector';
  return `selector "${selector}"${seen.start?.selectorPlugin ? ` (plugin ${seen.start.selectorPlugin})` : ''} in select()`;
}

function stalled(config: RunConfig, seen: SeenOfRun, stall: Stall, medianStepSeconds: number | null): RunFailureInfo {
  const { phase, step } = stall.activity;
  const limit =
    `the limit is ${stall.limitSeconds.toFixed(0)} s: --stall-seconds ${config.guards.stallSeconds}` +
    (medianStepSeconds === null ? '' : `, and at least ${STALL_STEP_FACTOR}x the median step of ${medianStepSeconds.toFixed(3)} s`);
  const fix =
    phase === 'selection'
      ? 'it never returned (a promise that never settles, or a loop that never ends). Fix the plugin and resume the run'
      : 'raise --stall-seconds if this phase is this slow on purpose, and resume the run';
  return {
    step,
    phase,
    message: `${whatRan(seen, stall.activity)} made no progress for ${stall.seconds.toFixed(1)} s (${limit}); ${fix}. ${keptLine(config.out)}`,
  };
}

function outOfMemory(config: RunConfig, seen: SeenOfRun, activity: LoopActivity | null): RunFailureInfo {
  const heapMiB = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  const blame = activity?.phase === 'selection' ? 'the selector allocated without bound, or ' : '';
  return {
    step: activity?.step ?? (seen.lastStep?.step ?? 0) + 1,
    phase: activity?.phase ?? 'setup',
    message:
      `out of memory in ${whatRan(seen, activity)}: the heap reached its limit of ${heapMiB} MiB (${blame}the run needs more than that). ` +
      `Give Node more with NODE_OPTIONS=--max-old-space-size=<MiB>, or lower the batch, then resume the run. ${keptLine(config.out)}`,
  };
}

function endedWithoutFinishing(config: RunConfig, seen: SeenOfRun, activity: LoopActivity | null): RunFailureInfo {
  return {
    step: activity?.step ?? (seen.lastStep?.step ?? 0) + 1,
    phase: activity?.phase ?? 'setup',
    message:
      `the work ended in ${whatRan(seen, activity)} without finishing: nothing was left for it to run, which is what a promise that never settles does. ` +
      `Fix it and resume the run. ${keptLine(config.out)}`,
  };
}
