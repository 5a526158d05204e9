/**
 * A small recorded bench (bench-smoke: uniform, jest and offline-filter, 2 seeds, 60 steps, a
 * point every 10) and its results.json: the figures are recomputed here from the run files by
 * the protocol's definitions, written out plainly, and must match what the bench wrote; and the
 * comparison code of today must still produce the recorded comparison.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchmarkPoint } from '@sieve/core';
import { compareRuns, readRun, referenceCostOf, type BenchResults, type ReferenceRecord } from '../analysis';

const FOLDER = join(import.meta.dirname, 'fixtures', 'recorded-bench');
const results = JSON.parse(readFileSync(join(FOLDER, 'results.json'), 'utf8')) as BenchResults;
const runNames = readdirSync(join(FOLDER, 'runs')).sort();
const pointsOf = (name: string): BenchmarkPoint[] =>
  readFileSync(join(FOLDER, 'runs', name, 'points.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as BenchmarkPoint);
const referenceJoules = (seed: number) => {
  const record = JSON.parse(readFileSync(join(FOLDER, 'references', `seed${seed}.json`), 'utf8')) as ReferenceRecord;
  return record.trainingJoules! + record.embeddingJoules!;
};
const seedOf = (name: string) => Number(name.slice(name.lastIndexOf('seed') + 4));
const selectorOf = (name: string) => name.slice(0, name.lastIndexOf('-seed'));
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const oneOffJoules = (p: BenchmarkPoint) => p.energy.joulesByPhase!['reference-training'] + p.energy.joulesByPhase!['reference-embedding'];

/** The protocol's axes, from a point as written, for a run of `seed`. */
const axes = {
  steps: (p: BenchmarkPoint) => p.step,
  flopsWithoutReference: (p: BenchmarkPoint) => p.flopsTotalWithoutReference,
  joulesWithoutReference: (p: BenchmarkPoint) => p.energy.joulesTotal! - oneOffJoules(p),
  flopsWithReference: (p: BenchmarkPoint) => p.flopsTotal,
  joulesWithReference: (p: BenchmarkPoint, seed: number) =>
    p.energy.joulesTotal! - oneOffJoules(p) + (p.flopsByPhase['reference-training'] > 0 ? referenceJoules(seed) : 0),
};
type Axis = keyof typeof axes;

/** First crossing of `target`, linearly interpolated between the two points around it. */
function crossing(points: BenchmarkPoint[], target: number, cost: (p: BenchmarkPoint) => number): number | null {
  for (let i = 0; i < points.length; i++) {
    if (points[i].score < target) continue;
    if (i === 0) return cost(points[0]);
    const [a, b] = [points[i - 1], points[i]];
    return cost(a) + ((target - a.score) / (b.score - a.score)) * (cost(b) - cost(a));
  }
  return null;
}

describe('a recorded bench: results.json against the protocol, recomputed', () => {
  const uniformRuns = runNames.filter((name) => selectorOf(name) === 'uniform');
  // Target: the best over steps of the mean over uniform's seeds.
  const steps = pointsOf(uniformRuns[0]).map((p) => p.step);
  const meanScores = steps.map((step) => mean(uniformRuns.map((name) => pointsOf(name).find((p) => p.step === step)!.score)));
  const target = Math.max(...meanScores);
  const targetStep = steps[meanScores.indexOf(target)];

  it('has the target and its step', () => {
    expect(results.comparison.target).toBeCloseTo(target, 12);
    expect(results.comparison.targetStep).toBe(targetStep);
    expect(results.comparison.censored).toBe(targetStep > 0.6 * 60);
  });

  const meanCost = (selector: string, axis: Axis) => {
    const costs = runNames
      .filter((name) => selectorOf(name) === selector)
      .map((name) => crossing(pointsOf(name), target, (p) => axes[axis](p, seedOf(name))))
      .filter((c): c is number => c !== null);
    return costs.length > 0 ? mean(costs) : null;
  };

  for (const selector of ['uniform', 'jest', 'offline-filter']) {
    it(`has ${selector}'s interpolated costs to the target and every ratio to uniform`, () => {
      const written = results.comparison.selectors.find((s) => s.selector === selector)!;
      for (const axis of Object.keys(axes) as Axis[]) {
        const cost = meanCost(selector, axis);
        const baseline = meanCost('uniform', axis)!;
        expect(written.toTarget[axis]?.mean, `${selector} ${axis}`).toBeCloseTo(cost!, 6);
        expect(written.toTarget[axis]?.ratioToBaseline, `${selector} ${axis} ratio`).toBeCloseTo(baseline / cost!, 9);
      }
      const runs = runNames.filter((name) => selectorOf(name) === selector);
      expect(written.bestScore.mean).toBeCloseTo(mean(runs.map((name) => Math.max(...pointsOf(name).map((p) => p.score)))), 12);
    });
  }

  it('has the break-even count of runs and the best score within uniform’s joules', () => {
    const budget = mean(uniformRuns.map((name) => axes.joulesWithoutReference(pointsOf(name).at(-1)!)));
    expect(results.comparison.baselineBudgetJoules).toBeCloseTo(budget, 9);
    for (const selector of ['jest', 'offline-filter']) {
      const written = results.comparison.selectors.find((s) => s.selector === selector)!;
      const saving = meanCost('uniform', 'joulesWithoutReference')! - meanCost(selector, 'joulesWithoutReference')!;
      const reference = mean([0, 1].map(referenceJoules));
      expect(written.referenceJoules).toBeCloseTo(reference, 9);
      if (saving > 0) expect(written.breakEvenRuns).toBeCloseTo(reference / saving, 9);
      else expect(written.breakEvenNote).toBe('no saving');
      const bests = runNames
        .filter((name) => selectorOf(name) === selector)
        .map((name) => pointsOf(name).filter((p) => axes.joulesWithoutReference(p) <= budget).map((p) => p.score))
        .filter((scores) => scores.length > 0)
        .map((scores) => Math.max(...scores));
      expect(written.bestScoreWithinBaselineJoules.withoutReference?.mean).toBeCloseTo(mean(bests), 12);
    }
  });

  it('is what the comparison code writes today from the same files', () => {
    const runs = runNames.map((name) => ({ ...readRun(join(FOLDER, 'runs', name)), dir: `runs/${name}` }));
    const ordered = results.selectors.flatMap((selector) => runs.filter((run) => run.selector === selector));
    expect(compareRuns(ordered, { references: results.references.map(referenceCostOf) })).toEqual(results.comparison);
  });
});
