import { describe, expect, it } from 'vitest';
import { createThrottle } from './throttle';
import type { Timers } from './throttle';

/** A clock that moves only when the test says so. */
function manualTimers() {
  let nowMs = 0;
  let nextId = 1;
  const due = new Map<number, { atMs: number; callback: () => void }>();
  const timers: Timers = {
    now: () => nowMs,
    setTimeout: (callback, delayMs) => {
      const id = nextId++;
      due.set(id, { atMs: nowMs + delayMs, callback });
      return id;
    },
    clearTimeout: (handle) => {
      due.delete(handle as number);
    },
  };
  const advance = (ms: number) => {
    nowMs += ms;
    for (const [id, timer] of [...due].sort((a, b) => a[1].atMs - b[1].atMs)) {
      if (timer.atMs <= nowMs && due.delete(id)) timer.callback();
    }
  };
  return { timers, advance, pendingCount: () => due.size };
}

describe('createThrottle', () => {
  it('runs once for a burst of requests, on the next tick, never inside request', () => {
    const clock = manualTimers();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 100, clock.timers);
    for (let i = 0; i < 1000; i++) throttle.request();
    expect(runs).toBe(0);
    clock.advance(0);
    expect(runs).toBe(1);
  });

  it('waits out the rest of the interval after a run', () => {
    const clock = manualTimers();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 100, clock.timers);
    throttle.request();
    clock.advance(0);
    clock.advance(30);
    throttle.request();
    throttle.request();
    clock.advance(69);
    expect(runs).toBe(1);
    clock.advance(1);
    expect(runs).toBe(2);
    // A request long after the last run goes at once.
    clock.advance(500);
    throttle.request();
    clock.advance(0);
    expect(runs).toBe(3);
  });

  it('flushes a pending run now and cancels without running', () => {
    const clock = manualTimers();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 100, clock.timers);
    throttle.flush();
    expect(runs).toBe(0);
    throttle.request();
    throttle.flush();
    expect(runs).toBe(1);
    expect(clock.pendingCount()).toBe(0);
    throttle.request();
    throttle.cancel();
    clock.advance(1000);
    expect(runs).toBe(1);
  });
});
