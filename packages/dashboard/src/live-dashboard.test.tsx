/** @jsxRuntime automatic */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '@sieve/core';
import { waitUntil } from './testing/fake-terminal';
import { handMadeEvents } from './testing/hand-made-run';
import { LiveDashboard, keyHintFor } from './live-dashboard';
import { createRunStore } from './run-store';
import { createThrottledView } from './throttled-view';
import { stripAnsi } from './visible-width';

const step = (n: number): RunEvent => ({
  type: 'step',
  step: n,
  totalSteps: 1500,
  loss: 2,
  stepsPerSecond: 10,
  elapsedSeconds: n / 10,
  powerWatts: null,
});

describe('LiveDashboard', () => {
  it('redraws at most once per interval while the engine yields between steps', async () => {
    const store = createRunStore();
    // An interval far longer than the test: after the first frame, only flush draws.
    const view = createThrottledView(store, 60_000);
    const { frames, lastFrame, unmount } = render(
      <LiveDashboard view={view} keyAction="stop" onKey={() => {}} onInterrupt={() => {}} columns={80} rows={40} />,
    );
    const framesAtMount = frames.length;
    for (let n = 1; n <= 50; n++) {
      store.apply(step(n));
      // As the training loop does between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitUntil(() => frames.length > framesAtMount, 'the first frame');
    expect(stripAnsi(lastFrame() ?? '')).toMatch(/ \d+\/1500 steps/);
    expect(frames.length - framesAtMount).toBe(1);
    view.flush();
    await waitUntil(() => stripAnsi(lastFrame() ?? '').includes('50/1500'), 'the flushed frame');
    expect(frames.length - framesAtMount).toBe(2);
    unmount();
    view.dispose();
  });

  it('calls onKey for q and shows the hint for the key action', async () => {
    const store = createRunStore();
    for (const event of handMadeEvents()) store.apply(event);
    const view = createThrottledView(store, 20);
    let keys = 0;
    const { lastFrame, stdin, unmount } = render(
      <LiveDashboard view={view} keyAction="quit" onKey={() => keys++} onInterrupt={() => {}} columns={80} rows={40} />,
    );
    expect(stripAnsi(lastFrame() ?? '')).toContain('q quit');
    // Give the key listener's effect a turn to subscribe before typing.
    await new Promise((resolve) => setImmediate(resolve));
    stdin.write('x');
    stdin.write('q');
    await waitUntil(() => keys === 1, 'the q key');
    unmount();
    view.dispose();
  });

  it('offers stop only while the run goes on, and no key without raw mode', () => {
    expect(keyHintFor('stop', 'running', true)).toBe('stop after this step');
    expect(keyHintFor('stop', 'finished', true)).toBeNull();
    expect(keyHintFor('stop', 'stopping', true)).toBeNull();
    expect(keyHintFor('quit', 'finished', true)).toBe('quit');
    expect(keyHintFor('stop', 'running', false)).toBeNull();
  });
});
