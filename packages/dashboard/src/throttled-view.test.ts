import { describe, expect, it } from 'vitest';
import type { RunEvent } from '@sieve/core';
import { createRunStore } from './run-store';
import { createThrottledView } from './throttled-view';
import type { Timers } from './throttle';

function queuedTimers() {
  let nowMs = 0;
  const queue: Array<{ atMs: number; callback: () => void } | null> = [];
  const timers: Timers = {
    now: () => nowMs,
    setTimeout: (callback, delayMs) => queue.push({ atMs: nowMs + delayMs, callback }) - 1,
    clearTimeout: (handle) => {
      queue[handle as number] = null;
    },
  };
  const advance = (ms: number) => {
    nowMs += ms;
    queue.forEach((timer, i) => {
      if (timer && timer.atMs <= nowMs) {
        queue[i] = null;
        timer.callback();
      }
    });
  };
  return { timers, advance };
}

const step = (n: number): RunEvent => ({
  type: 'step',
  step: n,
  totalSteps: 1000,
  loss: 2,
  stepsPerSecond: 10,
  elapsedSeconds: n / 10,
  powerWatts: null,
});

describe('createThrottledView', () => {
  it('publishes one snapshot for a burst of events, holding the latest state', () => {
    const clock = queuedTimers();
    const store = createRunStore();
    const view = createThrottledView(store, 100, clock.timers);
    let notifications = 0;
    view.subscribe(() => notifications++);
    for (let i = 1; i <= 500; i++) store.apply(step(i));
    expect(view.getSnapshot().step).toBe(0);
    clock.advance(0);
    expect(notifications).toBe(1);
    expect(view.getSnapshot()).toBe(store.getState());
    expect(view.getSnapshot().step).toBe(500);
  });

  it('flushes on demand and stops following once disposed', () => {
    const clock = queuedTimers();
    const store = createRunStore();
    const view = createThrottledView(store, 100, clock.timers);
    store.apply(step(1));
    view.flush();
    expect(view.getSnapshot().step).toBe(1);
    view.dispose();
    store.apply(step(2));
    clock.advance(1000);
    expect(view.getSnapshot().step).toBe(1);
  });
});
