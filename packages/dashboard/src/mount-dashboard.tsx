/** @jsxRuntime automatic */
import { render } from 'ink';
import type { RunEvents } from '@sieve/core';
import { LiveDashboard } from './live-dashboard';
import type { KeyAction } from './live-dashboard';
import { createRunStore } from './run-store';
import type { RunStore } from './run-store';
import { createThrottledView } from './throttled-view';

export interface MountDashboardOptions {
  /** Called once when the user presses q; the engine should stop after the current step. */
  onStopRequested: () => void;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Ctrl+C in raw mode; by default the process sends itself SIGINT, as the terminal would. */
  onInterrupt?: () => void;
  /** Least time between redraws (default 100 ms: at most 10 frames a second). */
  refreshIntervalMs?: number;
}

export interface MountedDashboard {
  /** Draws the final frame, restores the terminal (cursor, raw mode) and resolves when done. */
  unmount(): Promise<void>;
  /** Shows "stopping after this step…" (for a stop that came from elsewhere, e.g. SIGINT). */
  markStopping(): void;
}

export const DEFAULT_REFRESH_INTERVAL_MS = 100;

export const raiseSigint = (): void => {
  process.kill(process.pid, 'SIGINT');
};

export interface RenderedStore {
  unmount(): Promise<void>;
}

/** Renders a store's live dashboard; shared by `mountDashboard` and attach mode. */
export function renderStore(
  store: RunStore,
  options: {
    keyAction: KeyAction;
    onKey: () => void;
    stdout?: NodeJS.WriteStream;
    stdin?: NodeJS.ReadStream;
    onInterrupt?: () => void;
    refreshIntervalMs?: number;
  },
): RenderedStore {
  const stdout = options.stdout ?? process.stdout;
  const view = createThrottledView(store, options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS);
  const instance = render(
    <LiveDashboard
      view={view}
      keyAction={options.keyAction}
      onKey={options.onKey}
      onInterrupt={options.onInterrupt ?? raiseSigint}
    />,
    {
      stdout,
      stdin: options.stdin ?? process.stdin,
      exitOnCtrlC: false,
      // Lines the engine logs with console.* go above the frame instead of through it.
      patchConsole: stdout === process.stdout,
      maxFps: 1000 / Math.max(1, options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS),
    },
  );
  let unmounted: Promise<void> | null = null;
  return {
    unmount() {
      unmounted ??= (async () => {
        view.flush();
        // Let React commit the flushed state before ink draws its final frame.
        await new Promise((resolve) => setImmediate(resolve));
        view.dispose();
        instance.unmount();
        await instance.waitUntilExit();
      })();
      return unmounted;
    },
  };
}

/**
 * Shows the live dashboard for a run: subscribes to its events (and nothing else of the
 * engine) and redraws at most every `refreshIntervalMs`. The q key is offered only when
 * stdin is a terminal that supports raw mode.
 */
export function mountDashboard(events: RunEvents, options: MountDashboardOptions): MountedDashboard {
  const store = createRunStore();
  const unsubscribe = events.subscribe((event) => store.apply(event));
  let stopRequested = false;
  const rendered = renderStore(store, {
    keyAction: 'stop' satisfies KeyAction,
    onKey: () => {
      const { status } = store.getState();
      if (stopRequested || status === 'finished') return;
      stopRequested = true;
      store.markStopping();
      options.onStopRequested();
    },
    stdout: options.stdout,
    stdin: options.stdin,
    onInterrupt: options.onInterrupt,
    refreshIntervalMs: options.refreshIntervalMs,
  });
  return {
    async unmount() {
      unsubscribe();
      await rendered.unmount();
    },
    markStopping: () => store.markStopping(),
  };
}
