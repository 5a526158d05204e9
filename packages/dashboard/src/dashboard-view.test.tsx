/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { DashboardView } from './dashboard-view';
import { frameOf } from './testing/frame';
import { handMadeEvents, stateOf } from './testing/hand-made-run';
import { syntheticRunEvents } from './testing/synthetic-run';
import { frameWidth, visibleWidth } from './visible-width';
import type { DashboardState } from './run-store';

const frame = (state: DashboardState, columns: number, rows = 40, keyHint: string | null = 'stop after this step') =>
  frameOf(<DashboardView state={state} columns={columns} rows={rows} keyHint={keyHint} />);

describe('DashboardView', () => {
  const handMade = stateOf(handMadeEvents());

  it('shows the numbers of a run at 80 columns', () => {
    const text = frame(handMade, 80);
    // Run panel.
    expect(text).toContain('hand-made');
    expect(text).toContain('selector jest');
    expect(text).toContain('backend wasm');
    expect(text).toContain('nvml (measured)');
    // Progress: 620 of 1500 is 41%; (1500 - 620) / 12.4 = 71 s.
    expect(text).toContain('620/1500 steps  41%');
    expect(text).toContain('12.4 steps/s');
    expect(text).toContain('eta 1m11s');
    // Score, the points table and energy.
    expect(text).toContain('score 41.2%  best 41.2% at 600');
    expect(text).toMatch(/600\s+41\.2%\s+61\.0%\s+21\.4%\s+2\.500\s+12\.3 kJ\s+812 J/);
    expect(text).toMatch(/power now\s+41\.5 W/);
    expect(text).toMatch(/total\s+12\.3 kJ/);
    expect(text).toMatch(/ref training\s+6\.00 kJ/);
    expect(text).toMatch(/scoring\s+1\.50 kJ/);
    expect(text).toContain('measured · step 600');
    // Selection make-up against the pool.
    expect(text).toMatch(/clean\s+52\.0% \S* *pool 40\.0%/);
    expect(text).toMatch(/mismatched\s+20\.0% \S* *pool 30\.0%/);
    // Warnings and the key.
    expect(text).toContain('! energy: nvidia-smi stopped answering; using nvml only');
    expect(text).toContain('! selector: 3 chunks had fewer candidates than asked');
    expect(text).toContain('q stop after this step');
  });

  it('fits every line in 80 columns, for the hand-made run and a whole synthetic one', () => {
    const finished = stateOf(syntheticRunEvents({ totalSteps: 1500, evalEvery: 50 }));
    for (const state of [handMade, finished]) {
      for (const rows of [24, 40, 60]) {
        const text = frame(state, 80, rows);
        for (const line of text.split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(80);
        // ink redraws in place only while the frame is shorter than the terminal.
        expect(text.split('\n').length).toBeLessThan(rows);
      }
    }
  });

  it('draws the chart at 80 columns and drops it below', () => {
    const wide = frame(handMade, 80);
    expect(wide).toMatch(/[\u2801-\u28ff]/);
    const medium = frame(handMade, 70);
    expect(medium).not.toMatch(/[\u2801-\u28ff]/);
    expect(frameWidth(medium)).toBeLessThanOrEqual(70);
  });

  it('still shows step and score at 60 and 40 columns', () => {
    for (const columns of [60, 40]) {
      const text = frame(handMade, columns, 30);
      expect(frameWidth(text)).toBeLessThanOrEqual(columns);
      expect(text).toContain('620/1500');
      expect(text).toContain('41.2%');
    }
    const compact = frame(handMade, 40, 30);
    expect(compact).toContain('clean 52%');
    expect(compact).toContain('! selector: 3 chunks');
  });

  it('shows test accuracy for classification and no joules without a meter', () => {
    const events = syntheticRunEvents({ taskKind: 'classification', totalSteps: 100, evalEvery: 50, powerWatts: null });
    const text = frame(stateOf(events.slice(0, -1)), 80);
    expect(text).toContain('test acc');
    expect(text).not.toContain('zero-shot');
    expect(text).toContain('not measured (no energy meter)');
    expect(text).toMatch(/Energy\s+no meter/);
    expect(text).toMatch(/total\s+-/);
  });

  it('says what happened once the run has finished and hides the stop key', () => {
    const events = syntheticRunEvents({ totalSteps: 200, evalEvery: 50, stopAfterStep: 120 });
    const state = stateOf(events);
    const text = frame(state, 80, 40, null);
    expect(text).toContain('stopped: 120 steps in');
    expect(text).toContain(`best score`);
    expect(text).not.toContain('q stop');
  });

  it('shows "stopping after this step…" once a stop was asked for', () => {
    const text = frame({ ...handMade, status: 'stopping' }, 80);
    expect(text).toContain('stopping after this step…');
  });
});
