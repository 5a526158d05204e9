import { RunEvents } from '@sieve/core';
import type { RunEvent } from '@sieve/core';
import { renderStore } from './mount-dashboard';
import { createPlainLogger } from './plain-logger';
import { RunFolderSource, checkRunFolder } from './run-folder';
import { createRunStore } from './run-store';
import { notLiveNote, whyNotLive } from './run-liveness';

export interface AttachOptions {
  /** Keep reading the folder as the run writes it, until summary.json appears (default true). */
  follow?: boolean;
  /** Print the plain log lines instead of drawing the dashboard. */
  plain?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** How often to look for new lines while following (default 500 ms). */
  pollIntervalMs?: number;
  /** How often to look whether the run's process still holds its lock while following (default 2 s). */
  liveCheckIntervalMs?: number;
  /** Least time between redraws (default 100 ms). */
  refreshIntervalMs?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 500;
export const DEFAULT_LIVE_CHECK_INTERVAL_MS = 2000;

/** Resolves after `ms`, or as soon as `cancelled` settles, leaving no timer behind. */
function sleepUnless(ms: number, cancelled: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void cancelled.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const never = new Promise<void>(() => {});

/**
 * Reads the run's new events into `deliver` until summary.json appears, `quitting` settles or
 * the run turns out not to be live (no process holds its lock); then returns the note that says
 * so and how to go on, else null.
 */
async function followRun(
  source: RunFolderSource,
  deliver: (events: RunEvent[]) => void,
  timing: { pollIntervalMs: number; liveCheckIntervalMs: number },
  quitting: { settled: () => boolean; promise: Promise<void> },
): Promise<string | null> {
  let nextLiveCheckMs = 0;
  while (!source.finished && !quitting.settled()) {
    if (Date.now() >= nextLiveCheckMs) {
      const why = whyNotLive(source.dir);
      if (why !== null) {
        // A run writes its summary before it lets go of its lock: read once more before judging.
        // With nothing read yet, a last line without newline is read too, to tell random bytes from a run.
        deliver(await source.poll({ final: !source.readAnything }));
        return source.finished ? null : notLiveNote(source.dir, why, source.lastPointStep);
      }
      nextLiveCheckMs = Date.now() + timing.liveCheckIntervalMs;
    }
    deliver(await source.poll());
    if (!source.finished) await sleepUnless(timing.pollIntervalMs, quitting.promise);
  }
  return null;
}

/**
 * Shows a run from its output folder (`sieve dashboard --run DIR`): the same dashboard as a
 * live run, fed from events.jsonl (or points.jsonl and summary.json). While the run goes on
 * it follows the files; once finished it stays on screen until q, or returns at once when
 * stdin is not a terminal. With `plain`, prints the plain log lines instead.
 *
 * A run without summary.json whose lock no running process holds (killed, crashed) is shown as
 * far as it got, then a line says it is not live and how to resume it, and this returns. A
 * folder whose files hold no run event or point at all (random bytes) is a UserInputError.
 */
export async function attachToRun(dir: string, options: AttachOptions = {}): Promise<void> {
  await checkRunFolder(dir);
  const source = new RunFolderSource(dir);
  const follow = options.follow ?? true;
  const timing = {
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    liveCheckIntervalMs: options.liveCheckIntervalMs ?? DEFAULT_LIVE_CHECK_INTERVAL_MS,
  };
  const stdout = options.stdout ?? process.stdout;

  if (options.plain) {
    const bus = new RunEvents();
    // Progress lines are spaced by the run's own clock, so a replay prints what a live log would.
    let runClockMs = 0;
    bus.subscribe((event) => {
      if (event.type === 'step') runClockMs = event.elapsedSeconds * 1000;
    });
    createPlainLogger(bus, (line) => stdout.write(`${line}\n`), () => runClockMs);
    const forward = (events: RunEvent[]) => events.forEach((event) => bus.emit(event));
    forward(await source.poll());
    const note = follow ? await followRun(source, forward, timing, { settled: () => false, promise: never }) : null;
    if (note !== null) stdout.write(`${note}\n`);
    return;
  }

  const stdin = options.stdin ?? process.stdin;
  const store = createRunStore();
  const apply = (events: RunEvent[]) => events.forEach((event) => store.apply(event));
  apply(await source.poll());
  let quitRequested = false;
  let quit: () => void = () => {};
  const quitting = new Promise<void>((resolve) => {
    quit = () => {
      quitRequested = true;
      resolve();
    };
  });
  const rendered = renderStore(store, {
    keyAction: 'quit',
    onKey: quit,
    onInterrupt: quit,
    stdout,
    stdin,
    refreshIntervalMs: options.refreshIntervalMs,
  });
  let note: string | null = null;
  try {
    if (follow) note = await followRun(source, apply, timing, { settled: () => quitRequested, promise: quitting });
    if (note === null && !quitRequested && stdin.isTTY) await quitting;
  } finally {
    await rendered.unmount();
  }
  if (note !== null) stdout.write(`${note}\n`);
}
