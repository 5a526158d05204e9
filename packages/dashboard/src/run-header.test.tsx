/** @jsxRuntime automatic */
import { describe, expect, it } from 'vitest';
import { frameOf } from './testing/frame';
import { handMadeEvents, stateOf } from './testing/hand-made-run';
import { syntheticRunStartInfo } from './testing/synthetic-run';
import { RunHeader, energySourcesText } from './run-header';
import { initialDashboardState } from './run-store';
import { frameWidth } from './visible-width';

describe('RunHeader', () => {
  it('names the run, task, selector, backend and the energy sources in use', () => {
    const text = frameOf(<RunHeader state={stateOf(handMadeEvents())} width={80} />);
    expect(text.split('\n')[0]).toMatch(/^Sieve {2}hand-made +running$/);
    expect(text).toContain('fashion-captions (contrastive) · selector jest · backend wasm · batch 128 of 640');
    // rapl is unavailable in the hand-made run: only nvml is listed.
    expect(text).toContain('energy nvml (measured)');
  });

  it('drops whole details that do not fit rather than cutting words', () => {
    const text = frameOf(<RunHeader state={stateOf(handMadeEvents())} width={50} />);
    expect(text).toContain('fashion-captions (contrastive) · selector jest');
    expect(text).not.toContain('backend');
    expect(frameWidth(text)).toBeLessThanOrEqual(50);
  });

  it('labels estimated sources and says when nothing is measured', () => {
    const state = {
      ...initialDashboardState(),
      energySources: [
        { name: 'rapl', measured: true },
        { name: 'estimate', measured: false },
      ],
    };
    expect(energySourcesText(state)).toBe('rapl (measured), estimate (estimated)');
    expect(energySourcesText(initialDashboardState())).toBe('not measured (no energy meter)');
    const info = syntheticRunStartInfo();
    expect(frameOf(<RunHeader state={{ ...initialDashboardState(), info }} width={80} />)).toContain('waiting');
  });
});
