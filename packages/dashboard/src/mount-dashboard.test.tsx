import { describe, expect, it } from 'vitest';
import { RunEvents } from '@sieve/core';
import type { RunEvent } from '@sieve/core';
import { FakeStdin, FakeStdout, waitUntil } from './testing/fake-terminal';
import { handMadeEvents } from './testing/hand-made-run';
import { syntheticRunEvents } from './testing/synthetic-run';
import { mountDashboard } from './mount-dashboard';
import { frameWidth } from './visible-width';

const step = (n: number): RunEvent => ({
  type: 'step',
  step: n,
  totalSteps: 1500,
  loss: 2,
  stepsPerSecond: 10,
  elapsedSeconds: n / 10,
  powerWatts: 30,
});

describe('mountDashboard', () => {
  it('draws the run from its events, stops on q (once) and restores the terminal on unmount', async () => {
    const stdout = new FakeStdout(80, 40, { isTTY: true });
    const stdin = new FakeStdin({ isTTY: true });
    const events = new RunEvents();
    let stopRequests = 0;
    const screen = mountDashboard(events, {
      onStopRequested: () => stopRequests++,
      stdout: stdout.asStream(),
      stdin: stdin.asStream(),
      refreshIntervalMs: 20,
    });
    for (const event of handMadeEvents()) events.emit(event);
    await waitUntil(() => stdout.lastFrame().includes('620/1500'), 'the first frame with the step');
    const frame = stdout.lastFrame();
    expect(frame).toContain('41.2%');
    expect(frame).toContain('q stop after this step');
    expect(frameWidth(frame)).toBeLessThanOrEqual(80);
    expect(stdin.rawMode).toBe(true);

    stdin.press('q');
    await waitUntil(() => stdout.lastFrame().includes('stopping after this step…'), 'the stopping notice');
    stdin.press('q');
    expect(stopRequests).toBe(1);

    await screen.unmount();
    expect(stdin.rawMode).toBe(false);
    // The cursor, hidden while drawing, is shown again.
    expect(stdout.chunks.join('')).toContain('\u001B[?25h');
  });

  it('redraws once for a burst of events, not once per event', async () => {
    const stdout = new FakeStdout(80, 40);
    const events = new RunEvents();
    const screen = mountDashboard(events, {
      onStopRequested: () => {},
      stdout: stdout.asStream(),
      stdin: new FakeStdin({ isTTY: false }).asStream(),
      refreshIntervalMs: 20,
    });
    events.emit(step(1));
    await waitUntil(() => stdout.lastFrame().includes('1/1500'), 'the first frame');
    const writesBefore = stdout.chunks.length;
    for (let n = 2; n <= 500; n++) events.emit(step(n));
    await waitUntil(() => stdout.lastFrame().includes('500/1500'), 'the frame after the burst');
    expect(stdout.chunks.length - writesBefore).toBeLessThanOrEqual(2);
    await screen.unmount();
  });

  it('offers no key and leaves stdin alone when stdin is not a terminal', async () => {
    const stdout = new FakeStdout(80, 40);
    const stdin = new FakeStdin({ isTTY: false });
    const events = new RunEvents();
    const screen = mountDashboard(events, {
      onStopRequested: () => {},
      stdout: stdout.asStream(),
      stdin: stdin.asStream(),
      refreshIntervalMs: 20,
    });
    for (const event of handMadeEvents()) events.emit(event);
    await waitUntil(() => stdout.lastFrame().includes('620/1500'), 'a frame');
    expect(stdout.lastFrame()).not.toContain('q stop');
    expect(stdin.rawModeRequests).toBe(0);
    await screen.unmount();
  });

  it('passes Ctrl+C on, draws the final frame on unmount and shows a stop from elsewhere', async () => {
    const stdout = new FakeStdout(80, 40);
    const stdin = new FakeStdin({ isTTY: true });
    const events = new RunEvents();
    let interrupts = 0;
    const screen = mountDashboard(events, {
      onStopRequested: () => {},
      onInterrupt: () => interrupts++,
      stdout: stdout.asStream(),
      stdin: stdin.asStream(),
      refreshIntervalMs: 20,
    });
    events.emit(step(5));
    await waitUntil(() => stdout.lastFrame().includes('5/1500'), 'a frame');
    stdin.press('\u0003');
    await waitUntil(() => interrupts === 1, 'the interrupt');
    screen.markStopping();
    await waitUntil(() => stdout.lastFrame().includes('stopping after this step…'), 'the stopping notice');
    for (const event of syntheticRunEvents({ totalSteps: 100, evalEvery: 50, stopAfterStep: 60 })) events.emit(event);
    // No wait: unmount itself must draw the latest state.
    await screen.unmount();
    expect(stdout.lastFrame()).toContain('stopped: 60 steps in');
  });
});
