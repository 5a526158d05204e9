/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { frameOf } from './testing/frame';
import { handMadeEvents, stateOf } from './testing/hand-made-run';
import { MakeUpPanel, makeUpTags } from './make-up-panel';
import { initialDashboardState } from './run-store';
import { frameWidth } from './visible-width';

describe('MakeUpPanel', () => {
  const state = stateOf(handMadeEvents());

  it('lists each tag chosen against the pool, with bars in proportion', () => {
    const lines = frameOf(<MakeUpPanel state={state} width={50} />).split('\n');
    expect(lines[0]).toBe('Selection  vs pool · step 600');
    // 50 - 10 (tag) - 7 (percent) - 11 (pool) - 2 spaces = 20 bar cells: 52% is 10.4 cells.
    const bar = (drawn: string) => drawn.padEnd(20);
    expect(lines[1]).toBe(`clean       52.0% ${bar('██████████▍')}  pool 40.0%`);
    expect(lines[3]).toBe(`mismatched  20.0% ${bar('████')}  pool 30.0%`);
    expect(lines).toHaveLength(5);
  });

  it('leaves the bar out when the panel is narrow', () => {
    const text = frameOf(<MakeUpPanel state={state} width={29} />);
    expect(text.split('\n')[1]).toBe('clean       52.0% pool 40.0%');
    expect(frameWidth(text)).toBeLessThanOrEqual(29);
  });

  it('orders tags as in the pool, adding tags seen only in the selection', () => {
    expect(makeUpTags({ b: 0.5, c: 0.5 }, { a: 0.5, b: 0.5 })).toEqual(['a', 'b', 'c']);
    expect(makeUpTags(null, null)).toEqual([]);
    expect(frameOf(<MakeUpPanel state={initialDashboardState()} width={40} />)).toContain('no point yet');
  });
});
