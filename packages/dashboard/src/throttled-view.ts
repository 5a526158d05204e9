import type { DashboardState, RunStore } from './run-store';
import { createThrottle, realTimers } from './throttle';
import type { Timers } from './throttle';

/**
 * The store as the screen sees it: a snapshot that follows the store at most once per
 * interval, so a burst of events costs one redraw. React reads it with useSyncExternalStore.
 */
export interface ThrottledView {
  getSnapshot(): DashboardState;
  subscribe(listener: () => void): () => void;
  /** Takes the store's latest state now (before a final frame). */
  flush(): void;
  /** Stops following the store. */
  dispose(): void;
}

export function createThrottledView(store: RunStore, intervalMs: number, timers: Timers = realTimers): ThrottledView {
  let snapshot = store.getState();
  const listeners = new Set<() => void>();
  const publish = (): void => {
    const latest = store.getState();
    if (latest === snapshot) return;
    snapshot = latest;
    for (const listener of listeners) listener();
  };
  const throttle = createThrottle(publish, intervalMs, timers);
  const unsubscribeStore = store.subscribe(() => throttle.request());
  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    flush() {
      throttle.cancel();
      publish();
    },
    dispose() {
      throttle.cancel();
      unsubscribeStore();
    },
  };
}
