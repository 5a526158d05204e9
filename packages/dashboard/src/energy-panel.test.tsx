/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { EnergyPanel, energyNoteText } from './energy-panel';
import { frameOf } from './testing/frame';
import { handMadeEvents, stateOf } from './testing/hand-made-run';
import { initialDashboardState } from './run-store';

describe('EnergyPanel', () => {
  it('shows power now and the cumulative joules of each phase, aligned', () => {
    const lines = frameOf(<EnergyPanel state={stateOf(handMadeEvents())} width={40} />).split('\n');
    expect(lines).toEqual([
      'Energy  measured · step 600',
      'power now         41.5 W',
      'total            12.3 kJ',
      '  ref training   6.00 kJ',
      '  ref embedding     345 J',
      '  scoring        1.50 kJ',
      '  training       4.00 kJ',
      '  evaluation       500 J',
    ]);
  });

  it('says when there is no meter, and when the totals are final', () => {
    expect(energyNoteText(initialDashboardState())).toBe('no meter');
    const finished = { ...stateOf(handMadeEvents()), status: 'finished' as const };
    expect(energyNoteText(finished)).toBe('measured · at the end');
    expect(frameOf(<EnergyPanel state={initialDashboardState()} width={40} />)).toMatch(/total\s+-/);
  });
});
