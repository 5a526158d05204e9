import { describe, expect, it } from 'vitest';
import { perPhase } from '@sieve/core';
import type { RunEvent } from '@sieve/core';
import { syntheticPoint, syntheticRunEvents, syntheticRunStartInfo } from './testing/synthetic-run';
import { createRunStore, etaSecondsOf, halveHistory, initialDashboardState, reduceRunEvent } from './run-store';

const step = (n: number, stepsPerSecond: number, extra: Partial<Extract<RunEvent, { type: 'step' }>> = {}): RunEvent => ({
  type: 'step',
  step: n,
  totalSteps: 1500,
  loss: 3,
  stepsPerSecond,
  elapsedSeconds: n / stepsPerSecond,
  powerWatts: 4,
  ...extra,
});

describe('run store', () => {
  it('computes the ETA as remaining steps over the rate', () => {
    const store = createRunStore();
    store.apply({ type: 'run-start', info: syntheticRunStartInfo({ totalSteps: 1500 }) });
    store.apply(step(120, 12));
    // (1500 - 120) / 12 = 115 s
    expect(store.getState().etaSeconds).toBeCloseTo(115, 9);
    expect(store.getState()).toMatchObject({ step: 120, totalSteps: 1500, stepsPerSecond: 12, status: 'running' });
    expect(etaSecondsOf(10, 100, 0)).toBeNull();
    expect(etaSecondsOf(10, 100, null)).toBeNull();
    expect(etaSecondsOf(150, 100, 5)).toBe(0);
  });

  it('takes cumulative joules by phase from the latest point and then from the summary', () => {
    const store = createRunStore();
    const joules = (scoring: number, training: number) => ({ ...perPhase(() => 0), scoring, training });
    const energy = (scoring: number, training: number, since: number) => ({
      ...syntheticPoint({ step: 0 }).energy,
      joulesTotal: scoring + training,
      joulesSinceLastPoint: since,
      joulesByPhase: joules(scoring, training),
      kind: 'measured' as const,
      sources: [{ name: 'nvml', measured: true }],
    });
    store.apply({ type: 'point', point: syntheticPoint({ step: 50, energy: energy(10, 30, 40) }) });
    store.apply({ type: 'point', point: syntheticPoint({ step: 100, energy: energy(25, 75, 60) }) });
    let state = store.getState();
    expect(state.joulesTotal).toBe(100);
    expect(state.joulesSinceLastPoint).toBe(60);
    expect(state.joulesByPhase).toMatchObject({ scoring: 25, training: 75 });
    expect(state.energyKind).toBe('measured');
    expect(state.energySources).toEqual([{ name: 'nvml', measured: true }]);

    const [end] = syntheticRunEvents({ totalSteps: 100 }).filter((event) => event.type === 'run-end');
    if (end.type !== 'run-end') throw new Error('expected run-end');
    store.apply({ type: 'run-end', summary: { ...end.summary, energy: energy(30, 80, 0) } });
    state = store.getState();
    expect(state.status).toBe('finished');
    expect(state.joulesTotal).toBe(110);
    expect(state.joulesByPhase).toMatchObject({ scoring: 30, training: 80 });
  });

  it('keeps only the last N warnings but counts all of them', () => {
    const store = createRunStore({ warningLimit: 3 });
    for (let i = 1; i <= 7; i++) store.apply({ type: 'warning', message: `w${i}` });
    expect(store.getState().warnings).toEqual(['w5', 'w6', 'w7']);
    expect(store.getState().warningCount).toBe(7);
  });

  it('tracks score history, best score, make-up and the step of the latest point', () => {
    let state = initialDashboardState();
    const makeUp = { clean: 0.6, junk: 0.4 };
    for (const [s, score] of [[50, 0.2], [100, 0.4], [150, 0.3]]) {
      state = reduceRunEvent(state, {
        type: 'point',
        point: syntheticPoint({ step: s, score, selection: { ...syntheticPoint({ step: s }).selection, makeUp } }),
      });
    }
    expect(state.scoreHistory).toEqual([
      { step: 50, value: 0.2 },
      { step: 100, value: 0.4 },
      { step: 150, value: 0.3 },
    ]);
    expect(state.bestScore).toEqual({ step: 100, value: 0.4 });
    expect(state.selectionMakeUp).toEqual(makeUp);
    expect(state.makeUpStep).toBe(150);
    expect(state.step).toBe(150);
  });

  it('bounds the loss history by averaging neighbouring samples', () => {
    expect(halveHistory([1, 2, 3, 4, 5].map((v) => ({ step: v, value: v * 10 })))).toEqual([
      { step: 1.5, value: 15 },
      { step: 3.5, value: 35 },
      { step: 5, value: 50 },
    ]);
    const store = createRunStore({ historyLimit: 8 });
    for (let i = 1; i <= 100; i++) store.apply(step(i, 10));
    const history = store.getState().lossHistory;
    expect(history.length).toBeLessThanOrEqual(8);
    expect(history.length).toBeGreaterThanOrEqual(4);
    expect(history.every((sample, i) => i === 0 || sample.step > history[i - 1].step)).toBe(true);
  });

  it('keeps the last power reading when a step has none and follows phases', () => {
    let state = reduceRunEvent(initialDashboardState(), step(1, 10, { powerWatts: 5 }));
    state = reduceRunEvent(state, step(2, 10, { powerWatts: null }));
    expect(state.powerWatts).toBe(5);
    state = reduceRunEvent(state, { type: 'phase-start', phase: 'evaluation' });
    expect(state.currentPhase).toBe('evaluation');
    state = reduceRunEvent(state, { type: 'phase-end', phase: 'evaluation', seconds: 1.5 });
    expect(state.currentPhase).toBeNull();
    state = reduceRunEvent(state, { type: 'phase-end', phase: 'evaluation', seconds: 2 });
    expect(state.currentPhase).toBeNull();
    expect(state.secondsByPhase.evaluation).toBe(3.5);
  });

  it('nests phases, and pairs a start and an end named differently', () => {
    let state = reduceRunEvent(initialDashboardState(), { type: 'phase-start', phase: 'training' });
    state = reduceRunEvent(state, { type: 'phase-start', phase: 'evaluation' });
    state = reduceRunEvent(state, { type: 'phase-end', phase: 'evaluation', seconds: 1 });
    expect(state.currentPhase).toBe('training');
    state = reduceRunEvent(state, { type: 'phase-end', phase: 'training', seconds: 9 });
    // The reference is started as one phase and ended as the other.
    state = reduceRunEvent(state, { type: 'phase-start', phase: 'reference-training' });
    expect(state.currentPhase).toBe('reference-training');
    state = reduceRunEvent(state, { type: 'phase-end', phase: 'reference-embedding', seconds: 30 });
    expect(state.currentPhase).toBeNull();
    expect(state.openPhases).toEqual([]);
  });

  it('moves running -> stopping -> finished, never back, and tells listeners', () => {
    const store = createRunStore();
    const seen: string[] = [];
    const unsubscribe = store.subscribe((state) => seen.push(state.status));
    const before = store.getState();
    store.apply({ type: 'run-start', info: syntheticRunStartInfo() });
    expect(before.status).toBe('waiting');
    store.markStopping();
    store.apply(step(3, 10));
    const end = syntheticRunEvents({ totalSteps: 10 }).at(-1)!;
    store.apply(end);
    store.markStopping();
    unsubscribe();
    store.apply({ type: 'log', message: 'after' });
    expect(seen).toEqual(['running', 'stopping', 'stopping', 'finished']);
    expect(store.getState().status).toBe('finished');
  });

  it('reduces a whole synthetic run to its final numbers', () => {
    const events = syntheticRunEvents({ totalSteps: 300, evalEvery: 50 });
    let state = initialDashboardState();
    for (const event of events) state = reduceRunEvent(state, event);
    const end = events.at(-1)!;
    if (end.type !== 'run-end') throw new Error('expected run-end');
    expect(state.step).toBe(300);
    expect(state.points).toHaveLength(6);
    expect(state.joulesTotal).toBeCloseTo(end.summary.energy.joulesTotal!, 9);
    expect(state.bestScore?.value).toBe(end.summary.bestScore);
    expect(state.warnings).toHaveLength(1);
    expect(state.logs).toEqual(['reference model: trained, cached as ref-9f3c2a']);
  });
});
