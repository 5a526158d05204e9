import { describe, expect, it } from 'vitest';
import type { BenchmarkPoint } from '@sieve/core';
import { compareRuns, comparisonTable, noisyShareAfterFirstPoint, type RunRecord } from './compare';
import { point } from './testing';

const run = (selector: string, seed: number, scores: number[]): RunRecord => ({
  dir: `${selector}-${seed}`,
  selector,
  seed,
  summary: null,
  points: scores.map((score, i) => point((i + 1) * 50, score)),
});

describe('compareRuns', () => {
  it("targets the baseline's best mean score and reports steps to it with ratios", () => {
    // Uniform seeds: mean scores per step 0.25, 0.45, 0.40 -> target 0.45 at step 100 (it peaks, then declines).
    const uniform = [run('uniform', 0, [0.2, 0.4, 0.4]), run('uniform', 1, [0.3, 0.5, 0.4])];
    // jest reaches 0.45 at 0.5 of the way from 0.3 (step 50) to 0.6 (step 100) = 75 steps in seed 0,
    // and between 0.4 (50) and 0.5 (100) -> 75 steps in seed 1.
    const jest = [run('jest', 0, [0.3, 0.6, 0.7]), run('jest', 1, [0.4, 0.5, 0.6])];
    const never = [run('hard-negative', 0, [0.1, 0.2, 0.3])];
    const comparison = compareRuns([...uniform, ...jest, ...never]);
    expect(comparison.target).toBeCloseTo(0.45, 12);
    expect(comparison.targetStep).toBe(100);
    const bySelector = Object.fromEntries(comparison.selectors.map((s) => [s.selector, s]));
    // Uniform seed 0 reaches 0.45? its best is 0.4: never. Seed 1: 0.3 (50) -> 0.5 (100): 87.5 steps.
    expect(bySelector.uniform.toTarget.steps).toMatchObject({ mean: 87.5, reached: 1 });
    expect(bySelector.jest.toTarget.steps).toMatchObject({ mean: 75, spread: 0, reached: 2 });
    expect(bySelector.jest.toTarget.steps?.ratioToBaseline).toBeCloseTo(87.5 / 75, 12);
    expect(bySelector['hard-negative'].toTarget.steps).toBeNull();
    expect(comparisonTable(comparison)).toMatch(/\| hard-negative \| 1 \| .* \| never \|/);
  });
});

describe('noisyShareAfterFirstPoint', () => {
  const withMakeUp = (step: number, examplesTrained: number, makeUp: Record<string, number>) =>
    ({ ...point(step, 0.5), examplesTrained, selection: { makeUp } }) as unknown as BenchmarkPoint;

  it('weights each interval after the first point by the examples trained in it', () => {
    const points = [
      withMakeUp(50, 400, { clean: 0.5, mismatched: 0.5 }), // inside the warm-up: left out
      withMakeUp(100, 800, { clean: 0.8, mismatched: 0.1, junk: 0.1 }), // 400 examples, 20% noisy
      withMakeUp(200, 2400, { clean: 0.9, duplicate: 0.05, junk: 0.05 }), // 1600 examples, 5% noisy
    ];
    // (400 * 0.2 + 1600 * 0.05) / 2000 = 160 / 2000 = 0.08
    expect(noisyShareAfterFirstPoint(points)).toBeCloseTo(0.08, 12);
  });

  it('counts flipped labels as noise, and is null for runs without noise tags or with one point', () => {
    expect(noisyShareAfterFirstPoint([withMakeUp(10, 80, { clean: 1 }), withMakeUp(20, 160, { clean: 0.75, flipped: 0.25 })])).toBeCloseTo(0.25, 12);
    expect(noisyShareAfterFirstPoint([withMakeUp(10, 80, { clean: 1 }), withMakeUp(20, 160, { clean: 1 })])).toBeNull();
    expect(noisyShareAfterFirstPoint([withMakeUp(10, 80, { clean: 0.5, junk: 0.5 })])).toBeNull();
  });
});
