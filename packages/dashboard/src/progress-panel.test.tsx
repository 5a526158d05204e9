/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { frameOf } from './testing/frame';
import { handMadeEvents, stateOf } from './testing/hand-made-run';
import { ProgressPanel, progressCounterText, rateText } from './progress-panel';
import { initialDashboardState } from './run-store';
import { visibleWidth } from './visible-width';

describe('ProgressPanel', () => {
  const state = stateOf(handMadeEvents());

  it('fills the bar in proportion to the steps done and fills the width exactly', () => {
    const [bar, rate] = frameOf(<ProgressPanel state={state} width={80} />).split('\n');
    expect(visibleWidth(bar)).toBe(80);
    expect(bar.endsWith('  620/1500 steps  41%')).toBe(true);
    const cells = bar.length - '  620/1500 steps  41%'.length;
    // 620 / 1500 of the bar's cells, to the eighth of a cell.
    const filled = [...bar.slice(0, cells)].filter((c) => c === '█').length;
    expect(filled).toBe(Math.floor((620 / 1500) * cells));
    expect(rate).toBe('12.4 steps/s · eta 1m11s · elapsed 1m15s · phase training');
  });

  it('counts steps without a bar when the total is unknown', () => {
    expect(progressCounterText({ ...initialDashboardState(), step: 42 })).toBe('step 42');
    expect(frameOf(<ProgressPanel state={{ ...initialDashboardState(), step: 42 }} width={40} />)).toContain('step 42');
  });

  it('shows the latest log before the first step and keeps to the width', () => {
    const waiting = { ...initialDashboardState(), currentPhase: 'reference-training' as const, logs: ['reference: step 20/400'] };
    expect(rateText(waiting, 120)).toBe('- steps/s · eta - · elapsed 0s · phase reference-training · reference: step 20/400');
    expect(rateText(waiting, 40)).toBe('- steps/s · eta - · elapsed 0s');
  });
});
