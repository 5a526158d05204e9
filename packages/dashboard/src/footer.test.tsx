/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { frameOf } from './testing/frame';
import { stateOf } from './testing/hand-made-run';
import { syntheticRunEvents } from './testing/synthetic-run';
import { Footer, finishedText } from './footer';
import { initialDashboardState } from './run-store';

describe('Footer', () => {
  it('offers the key while running and says stopping once asked', () => {
    const running = { ...initialDashboardState(), status: 'running' as const };
    expect(frameOf(<Footer state={running} keyHint="stop after this step" />)).toBe('q stop after this step');
    expect(frameOf(<Footer state={running} keyHint={null} />)).toBe('');
    expect(frameOf(<Footer state={{ ...running, status: 'stopping' }} keyHint={null} />)).toBe('stopping after this step…');
  });

  it('sums up a finished run: status, steps, time and best score', () => {
    const state = stateOf(syntheticRunEvents({ totalSteps: 100, evalEvery: 50 }));
    const summary = state.summary!;
    const best = `${(summary.bestScore! * 100).toFixed(1)}%`;
    expect(finishedText(state)).toMatch(new RegExp(`^completed: 100 steps in \\d+s · best score ${best} at step ${summary.bestScoreStep}$`));
    expect(frameOf(<Footer state={state} keyHint="quit" />)).toMatch(/ {2}q quit$/);
    expect(finishedText({ ...initialDashboardState(), status: 'finished' })).toBe('finished');
  });
});
