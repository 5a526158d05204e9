import { RunEvents } from '@sieve/core';
import type { RunEvent } from '@sieve/core';
import { renderStore } from './mount-dashboard';
import { createPlainLogger } from './plain-logger';
import { RunFolderSource, checkRunFolder } from './run-folder';
import { createRunStore } from './run-store';

export interface AttachOptions {
  /** Keep reading the folder as the run writes it, until summary.json appears (default true). */
  follow?: boolean;
  /** Print the plain log lines instead of drawing the dashboard. */
  plain?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** How often to look for new lines while following (default 500 ms). */
  pollIntervalMs?: number;
  /** Least time between redraws (default 100 ms). */
  refreshIntervalMs?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 500;

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

/**
 * Shows a run from its output folder (`sieve dashboard --run DIR`): the same dashboard as a
 * live run, fed from events.jsonl (or points.jsonl and summary.json). While the run goes on
 * it follows the files; once finished it stays on screen until q, or returns at once when
 * stdin is not a terminal. With `plain`, prints the plain log lines instead.
 */
export async function attachToRun(dir: string, options: AttachOptions = {}): Promise<void> {
  await checkRunFolder(dir);
  const source = new RunFolderSource(dir);
  const follow = options.follow ?? true;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
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
    while (follow && !source.finished) {
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      forward(await source.poll());
    }
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
  try {
    while (follow && !source.finished && !quitRequested) {
      await sleepUnless(pollIntervalMs, quitting);
      if (!quitRequested) apply(await source.poll());
    }
    if (!quitRequested && stdin.isTTY) await quitting;
  } finally {
    await rendered.unmount();
  }
}
