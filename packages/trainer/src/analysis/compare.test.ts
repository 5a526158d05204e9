import { describe, expect, it } from 'vitest';
import type { BenchmarkPoint } from '@sieve/core';
import { compareRuns, comparisonTable, noisyShareAfterFirstPoint, retrievalRows, scoreLine, type RunRecord } from './compare';
import { point, runRecord } from './testing';

const run = (selector: string, seed: number, scores: number[]): RunRecord => runRecord(selector, seed, scores.map((score, i) => point((i + 1) * 50, score)));

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
    // Step 100 of a 150-step budget is past 60% of it: the target may be censored.
    expect(comparison.censored).toBe(true);
    expect(comparisonTable(comparison)).toMatch(/WARNING: target may be censored: uniform's best mean score comes at step 100 of 150.*extend --steps/);
  });

  it('charges the reference once per seed, and works out the break-even and the best score at equal joules', () => {
    // Budget 300 steps; points every 50; joules 2 per step (w/o reference); FLOPs 10 per step.
    const steps = [50, 100, 150, 200, 250, 300];
    const uniformScores = [0.1, 0.2, 0.3, 0.4, 0.35, 0.3]; // target 0.4 at step 200 (200 of 300: not censored? 200 > 180: censored)
    const uniformRun = (seed: number) => runRecord('uniform', seed, steps.map((s, i) => point(s, uniformScores[i], s * 10, s * 2, 0, false)), { steps: 300 });
    // The selector: 3 J per step (scoring costs), reaches 0.4 halfway from 0.3 (50) to 0.5 (100) = step 75.
    const jestScores = [0.3, 0.5, 0.55, 0.6, 0.6, 0.6];
    const jestRun = (seed: number) => runRecord('jest', seed, steps.map((s, i) => point(s, jestScores[i], s * 30, s * 3)), { steps: 300 });
    const references = [
      { seed: 0, cacheKey: 'a', flops: 1000, joules: 100 },
      { seed: 1, cacheKey: 'b', flops: 1000, joules: 140 },
    ];
    const comparison = compareRuns([uniformRun(0), uniformRun(1), jestRun(0), jestRun(1)], { references });
    expect(comparison.target).toBeCloseTo(0.4, 12);
    expect(comparison.targetStep).toBe(200);
    expect(comparison.budgetSteps).toBe(300);
    expect(comparison.censored).toBe(true); // 200 > 0.6 * 300 = 180
    // Uniform's full budget: 300 steps * 2 J = 600 J.
    expect(comparison.baselineBudgetJoules).toBeCloseTo(600, 12);
    const [uniform, jest] = comparison.selectors;
    expect(uniform.usesReference).toBe(false);
    expect(uniform.toTarget.joulesWithReference).toMatchObject({ mean: 400 });
    expect(uniform.breakEvenNote).toBe('no reference');
    // jest: 75 steps, 75 * 3 = 225 J w/o reference; with it 325 J (seed 0) and 365 J (seed 1).
    expect(jest.toTarget.steps).toMatchObject({ mean: 75, reached: 2 });
    expect(jest.toTarget.joulesWithoutReference?.mean).toBeCloseTo(225, 12);
    expect(jest.toTarget.joulesWithReference?.perSeed).toEqual([325, 365]);
    expect(jest.toTarget.joulesWithReference?.ratioToBaseline).toBeCloseTo(400 / 345, 12);
    // FLOPs with reference: 75 * 30 + 1000 = 3250 against uniform's 2000.
    expect(jest.toTarget.flopsWithReference?.mean).toBeCloseTo(3250, 12);
    // Break-even: mean reference joules 120 over the 400 - 225 = 175 J saved per run.
    expect(jest.referenceJoules).toBeCloseTo(120, 12);
    expect(jest.breakEvenRuns).toBeCloseTo(120 / 175, 12);
    // Within 600 J: w/o reference the points up to step 200 (600 J): best 0.6; with reference
    // (seed 0: 3 J/step + 100 J) up to step 150 (550 J): 0.55; seed 1 (+140 J): step 150 (590 J): 0.55.
    expect(jest.bestScoreWithinBaselineJoules.withoutReference).toMatchObject({ mean: 0.6, seeds: 2 });
    expect(jest.bestScoreWithinBaselineJoules.withReference).toMatchObject({ mean: 0.55, seeds: 2 });
    expect(uniform.bestScoreWithinBaselineJoules.withoutReference?.mean).toBeCloseTo(0.4, 12);
  });

  it('says a selector that saves nothing per run never pays for its reference', () => {
    const steps = [50, 100];
    const uniform = runRecord('uniform', 0, steps.map((s, i) => point(s, [0.2, 0.4][i], s, s, 0, false)), { steps: 400 });
    // Reaches 0.4 at step 100 too, but at 5 J a step.
    const costly = runRecord('costly', 0, steps.map((s, i) => point(s, [0.2, 0.4][i], s, s * 5)), { steps: 400 });
    const comparison = compareRuns([uniform, costly], { references: [{ seed: 0, cacheKey: 'a', flops: 1000, joules: 10 }] });
    expect(comparison.censored).toBe(false);
    expect(comparison.selectors[1].breakEvenRuns).toBeNull();
    expect(comparison.selectors[1].breakEvenNote).toBe('no saving');
    expect(comparisonTable(comparison)).toMatch(/never \(no saving per run\)/);
    // Without the bench's record, a run that reused its reference has unknown joules with it: '–', not 'never'.
    const unknown = compareRuns([uniform, costly]);
    expect(unknown.selectors[1].toTarget.joulesWithReference).toBeNull();
    expect(comparisonTable(unknown)).toMatch(/\| costly \| 1 \|( [^|]+ \|){5} – \|/);
  });

  it('refuses runs of different tasks, architectures, batch sizes or budgets, naming them', () => {
    const a = run('uniform', 0, [0.1, 0.2]);
    const cases: [Parameters<typeof runRecord>[3], RegExp][] = [
      [{ task: 'fashion-noisy-labels' }, /differ in task are never compared: uniform-0 has fashion-captions, jest-1 has fashion-noisy-labels/],
      [{ model: { imageTower: 'flexivit' } }, /differ in learner architecture/],
      [{ batchSize: 64 }, /differ in batch size are never compared: uniform-0 has 128, jest-1 has 64/],
      [{ steps: 4000 }, /differ in budget \(steps\)/],
    ];
    for (const [setup, message] of cases) {
      const b = runRecord('jest', 1, a.points, setup);
      expect(() => compareRuns([a, b])).toThrow(message);
    }
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

describe('retrieval in the comparison (task files)', () => {
  it("gives each selector's recall at its runs' best points, mean and spread, and says what the score is", () => {
    const withRecall = (p: BenchmarkPoint, at1: number, at10: number): BenchmarkPoint => ({
      ...p,
      retrieval: { imageToText: { at1, at5: at10 / 2, at10 }, textToImage: { at1: at1 / 2, at5: at10 / 4, at10: at10 / 2 } },
    });
    // Seed 0's best point is its second (score 0.5): recall@1 0.4; seed 1's best is its first (0.6): 0.2.
    const seed0 = runRecord('uniform', 0, [withRecall(point(50, 0.3), 0.9, 0.9), withRecall(point(100, 0.5), 0.4, 0.8)]);
    const seed1 = runRecord('uniform', 1, [withRecall(point(50, 0.6), 0.2, 0.6), withRecall(point(100, 0.1), 0.9, 0.9)]);
    const comparison = compareRuns([seed0, seed1]);
    const recall = comparison.selectors[0].retrieval!;
    expect(recall.imageToText.at1.mean).toBeCloseTo(0.3, 12);
    expect(recall.imageToText.at10.mean).toBeCloseTo(0.7, 12);
    expect(recall.textToImage.at1.mean).toBeCloseTo(0.15, 12);
    expect(retrievalRows(comparison)[0].slice(0, 2)).toEqual(['uniform', `0.300 ± ${recall.imageToText.at1.spread.toFixed(3)}`]);
    expect(recall.imageToText.at1.spread).toBeGreaterThan(0);
    expect(scoreLine(comparison)).toMatch(/^score: the mean of image→text and text→image recall@1/);
    // The terminal's table (tools:compare, the bench's output) names them too.
    expect(comparisonTable(comparison)).toMatch(/; score: the mean of image→text and text→image recall@1/);
    expect(comparisonTable(comparison)).toContain('| selector | image→text R@1 | R@5 | R@10 | text→image R@1 | R@5 | R@10 |\n| --- |');
    expect(comparisonTable(comparison)).toMatch(/\| uniform \| 0\.300 ± /);
    // Points without retrieval (the embedded tasks): no rows, no score line.
    const plain = compareRuns([runRecord('uniform', 0, [point(50, 0.3)])]);
    expect(plain.selectors[0].retrieval).toBeUndefined();
    expect(retrievalRows(plain)).toEqual([]);
    expect(scoreLine(plain)).toBeNull();
    expect(comparisonTable(plain)).not.toMatch(/R@1|score:/);
  });
});
