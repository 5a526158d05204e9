import { describe, expect, it } from 'vitest';
import { compareRuns, type RunRecord } from './compare';
import { checkGoals, goalRows } from './goals';
import { goalsMarkdown } from './report-markdown';
import { point, runRecord } from './testing';

// Points every 50 steps over a 300-step budget; FLOPs 10 and joules `joulesPerStep` per step (w/o reference).
const STEPS = [50, 100, 150, 200, 250, 300];
const run = (selector: string, seed: number, scores: number[], joulesPerStep = 2, usesReference = true): RunRecord =>
  runRecord(selector, seed, STEPS.map((s, i) => point(s, scores[i], s * 10, s * joulesPerStep, 0, usesReference)), { steps: 300 });
// Each seed's reference: 1000 FLOPs (as `point` charges) and 100 J.
const references = [0, 1].map((seed) => ({ seed, cacheKey: `r${seed}`, flops: 1000, joules: 100 }));

/**
 * uniform reaches its best mean, the target 0.4, at step 200: 400 J and 2000 FLOPs, no reference.
 * cascade is at the target at its first point, step 50: 100 J and 500 FLOPs (4x fewer each); with
 * its reference 200 J (2x fewer) and 1500 FLOPs (1.33x fewer). Its best score is 0.7 on both seeds.
 */
function bench(extra: RunRecord[]): RunRecord[] {
  const uniformScores = [0.1, 0.2, 0.3, 0.4, 0.35, 0.3];
  const cascadeScores = [0.4, 0.5, 0.6, 0.7, 0.7, 0.7];
  return [0, 1].flatMap((seed) => [run('uniform', seed, uniformScores, 2, false), run('cascade', seed, cascadeScores)]).concat(extra);
}

describe('checkGoals', () => {
  it('checks each goal of the default selector from the comparison (hand-worked)', () => {
    const runs = bench([
      // offline-filter: the target at step 100 (200 J): cascade's 100 ± 0 J is fewer beyond the spread.
      run('offline-filter', 0, [0.3, 0.4, 0.5, 0.5, 0.5, 0.5]),
      run('offline-filter', 1, [0.3, 0.4, 0.5, 0.5, 0.5, 0.5]),
      // easy-reference: the same 100 J to the target, and best scores 0.6 and 0.7 within uniform's
      // 600 J: mean 0.65, spread 0.0707; 0.65 + 0.0707 is not below 0.7, so not beaten beyond it.
      run('easy-reference', 0, [0.4, 0.5, 0.6, 0.6, 0.6, 0.6]),
      run('easy-reference', 1, [0.4, 0.5, 0.6, 0.7, 0.7, 0.7]),
      // jest's best mean 0.65 is below cascade's 0.7.
      run('jest', 0, [0.3, 0.5, 0.6, 0.65, 0.65, 0.65]),
      run('jest', 1, [0.3, 0.5, 0.6, 0.65, 0.65, 0.65]),
    ]);
    const checks = checkGoals(compareRuns(runs, { references }));
    expect(checks.map((c) => [c.goal, c.met])).toEqual([
      ['at least 4x fewer joules and FLOPs than uniform to the target, w/o reference', true],
      ['at least 1.5x fewer joules and FLOPs than uniform to the target, with reference', false],
      ["beats offline-filter beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules", true],
      ["beats easy-reference beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules", false],
      ["best score at least jest's", true],
    ]);
    expect(checks[0].evidence).toBe('joules 4.00x, FLOPs 4.00x fewer');
    expect(checks[1].evidence).toBe('joules 2.00x, FLOPs 1.33x fewer');
    expect(checks[3].evidence).toBe("joules 100 J ± 0 J against 100 J ± 0 J; best score within the baseline's joules 0.700 ± 0.000 against 0.650 ± 0.071");
    expect(checks[4].evidence).toBe('0.700 ± 0.000 against 0.650 ± 0.000');
    expect(goalsMarkdown({ selector: 'cascade', checks })).toMatch(/\| best score at least jest's \| 0\.700 ± 0\.000 against 0\.650 ± 0\.000 \| met \|/);
  });

  it('counts a baseline that never reaches the target as beaten on joules, and says unknown for a selector not in the bench', () => {
    const runs = bench([run('offline-filter', 0, [0.1, 0.1, 0.2, 0.2, 0.2, 0.2]), run('offline-filter', 1, [0.1, 0.1, 0.2, 0.2, 0.2, 0.2])]);
    const checks = checkGoals(compareRuns(runs, { references }));
    const byGoal = (start: string) => checks.find((c) => c.goal.startsWith(start))!;
    expect(byGoal('beats offline-filter').met).toBe(true);
    expect(byGoal('beats offline-filter').evidence).toMatch(/^joules 100 J ± 0 J against never reached;/);
    expect(byGoal('beats easy-reference')).toMatchObject({ met: null, evidence: 'easy-reference is not in this bench' });
    expect(goalRows([byGoal('best score')])).toEqual([["best score at least jest's", 'jest is not in this bench', 'unknown']]);
  });

  it('fails the cost goals of a default selector that never reaches the target', () => {
    const runs = bench([]).map((r) => (r.selector === 'cascade' ? run('cascade', r.seed, [0.1, 0.1, 0.2, 0.2, 0.2, 0.2]) : r));
    const [without, withReference] = checkGoals(compareRuns(runs, { references }));
    expect(without).toMatchObject({ met: false, evidence: 'never reached the target' });
    expect(withReference.met).toBe(false);
  });

  it('fails the cost goals when some seeds of the default never reach the target, whatever the others did', () => {
    // Seed 0 reaches the target at step 50 (4x fewer), seed 1 never does.
    const runs = bench([]).map((r) => (r.selector === 'cascade' && r.seed === 1 ? run('cascade', 1, [0.1, 0.1, 0.2, 0.2, 0.2, 0.2]) : r));
    const [without] = checkGoals(compareRuns(runs, { references }));
    expect(without).toMatchObject({ met: false, evidence: 'reached the target in 1 of 2 seeds' });
  });

  it('has no goals when the default selector did not run, and no ratio without a measured reference', () => {
    const withoutDefault = bench([]).filter((r) => r.selector !== 'cascade');
    expect(checkGoals(compareRuns(withoutDefault, { references }))).toEqual([]);
    const withRef = checkGoals(compareRuns(bench([])))[1];
    expect(withRef.met).toBeNull();
  });
});
