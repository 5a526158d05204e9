/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { ChartPanel, stepAxisText } from './chart-panel';
import { frameOf } from './testing/frame';
import { stateOf } from './testing/hand-made-run';
import { syntheticRunEvents } from './testing/synthetic-run';
import { initialDashboardState } from './run-store';
import { visibleWidth } from './visible-width';

describe('ChartPanel', () => {
  it('titles score and loss with their latest values and labels the y range', () => {
    const state = stateOf(syntheticRunEvents({ totalSteps: 500, evalEvery: 50 }));
    const text = frameOf(<ChartPanel state={state} width={80} rows={5} />);
    const lines = text.split('\n');
    expect(lines).toHaveLength(1 + 5 + 1);
    const latestScore = (state.scoreHistory.at(-1)!.value * 100).toFixed(1);
    expect(lines[0]).toContain(`score ${latestScore}%`);
    expect(lines[0]).toContain(`loss ${state.latestLoss!.toFixed(3)}`);
    const scores = state.scoreHistory.map((s) => s.value);
    expect(lines[1]).toContain(`${(Math.max(...scores) * 100).toFixed(1)}%`);
    expect(lines[5]).toContain(`${(Math.min(...scores) * 100).toFixed(1)}%`);
    expect(lines[6]).toMatch(/^ +0 +steps +500 +0 +steps +500$/);
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(80);
    expect(text).toMatch(/[\u2801-\u28ff]/);
  });

  it('draws empty charts before any data', () => {
    const text = frameOf(<ChartPanel state={{ ...initialDashboardState(), totalSteps: 100 }} width={60} rows={3} />);
    expect(text).not.toMatch(/[\u2801-\u28ff]/);
    expect(text).toContain('score -');
  });

  it('lays out the step axis at any width', () => {
    // '0' then 'steps' from column floor((20 - 5) / 2) = 7, '1500' flush right.
    expect(stepAxisText(1500, 20)).toBe('0      steps    1500');
    expect(stepAxisText(1500, 8)).toBe('0   1500');
    for (const width of [1, 5, 9, 13, 40]) expect(stepAxisText(1500, width).length).toBe(width);
  });
});
