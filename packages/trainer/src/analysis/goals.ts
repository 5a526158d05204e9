/**
 * What Sieve's default selector has to show in a bench to keep its promise, checked from the
 * bench's own comparison: each goal says whether it was met and the figures that decide it.
 */
import { DEFAULT_SELECTOR } from '@sieve/core';
import type { Comparison, SelectorComparison, Spread } from './compare';
import { formatJoules } from './compare';

/** The goals' thresholds and the selectors the default is held against. */
export const GOALS = {
  /** At least this many times fewer joules and FLOPs to the target than the baseline, the reference's one-off cost left out. */
  fewerWithoutReference: 4,
  /** At least this many times fewer joules and FLOPs with the reference's training and pool embedding charged. */
  fewerWithReference: 1.5,
  /** The default must beat these beyond the spread over seeds. */
  beat: ['offline-filter', 'easy-reference'],
  /** The default's best score must be at least this selector's (plain JEST, the method as published). */
  scoreAtLeastAs: 'jest',
} as const;

export interface GoalCheck {
  goal: string;
  /** Null when the bench lacks what the goal needs (a selector, a meter, a seed that reached the target). */
  met: boolean | null;
  /** The figures that decide it. */
  evidence: string;
}

/** The default selector's goals in a bench, as its report and results.json carry them. */
export interface BenchGoals {
  selector: string;
  checks: GoalCheck[];
}

/** The default selector's goals in `comparison`; undefined when it did not run in the bench. */
export function benchGoals(comparison: Comparison): BenchGoals | undefined {
  const checks = checkGoals(comparison, DEFAULT_SELECTOR);
  return checks.length > 0 ? { selector: DEFAULT_SELECTOR, checks } : undefined;
}

/** Every goal for `selector` (the default unless named) in `comparison`; empty when the selector is not in it. */
export function checkGoals(comparison: Comparison, selector: string = DEFAULT_SELECTOR): GoalCheck[] {
  const own = comparison.selectors.find((s) => s.selector === selector);
  if (!own) return [];
  const find = (name: string) => comparison.selectors.find((s) => s.selector === name);
  return [
    fewerGoal(own, comparison.baseline, GOALS.fewerWithoutReference, 'w/o reference'),
    fewerGoal(own, comparison.baseline, GOALS.fewerWithReference, 'with reference'),
    ...GOALS.beat.map((name) => beatGoal(own, name, find(name))),
    scoreGoal(own, GOALS.scoreAtLeastAs, find(GOALS.scoreAtLeastAs)),
  ];
}

function fewerGoal(own: SelectorComparison, baseline: string, threshold: number, which: 'w/o reference' | 'with reference'): GoalCheck {
  const goal = `at least ${threshold}x fewer joules and FLOPs than ${baseline} to the target, ${which}`;
  const reached = own.toTarget.steps?.reached ?? 0;
  if (reached === 0) return { goal, met: false, evidence: 'never reached the target' };
  // A mean over the seeds that got there would hide the ones that did not.
  if (reached < own.seeds) return { goal, met: false, evidence: `reached the target in ${reached} of ${own.seeds} seeds` };
  const axes = which === 'w/o reference' ? (['joulesWithoutReference', 'flopsWithoutReference'] as const) : (['joulesWithReference', 'flopsWithReference'] as const);
  const ratios = axes.map((axis) => own.toTarget[axis]?.ratioToBaseline ?? null);
  if (ratios.some((r) => r === null)) return { goal, met: null, evidence: 'no ratio: a meter, a measured reference or a seed reaching the target is missing' };
  const [joules, flops] = ratios as [number, number];
  return { goal, met: joules >= threshold && flops >= threshold, evidence: `joules ${joules.toFixed(2)}x, FLOPs ${flops.toFixed(2)}x fewer` };
}

/**
 * Beats `name` beyond the spread: fewer joules to the target (its mean plus spread below the
 * other's mean less spread), or a higher best score within the baseline's full-budget joules
 * (likewise), both without the reference, which the two pay alike.
 */
function beatGoal(own: SelectorComparison, name: string, other: SelectorComparison | undefined): GoalCheck {
  const goal = `beats ${name} beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules`;
  if (!other) return { goal, met: null, evidence: `${name} is not in this bench` };
  const ownJoules = own.toTarget.joulesWithoutReference;
  const otherJoules = other.toTarget.joulesWithoutReference;
  const ownBest = own.bestScoreWithinBaselineJoules.withoutReference;
  const otherBest = other.bestScoreWithinBaselineJoules.withoutReference;
  // A selector that never reaches the target spends more joules on it than one that does.
  const fewerJoules =
    ownJoules !== null && ownJoules.reached === own.seeds && (otherJoules === null ? other.toTarget.steps === null : below(ownJoules, otherJoules));
  const higherScore = ownBest !== null && otherBest !== null && below(otherBest, ownBest);
  const joulesText = `joules ${spreadText(ownJoules, formatJoules, 'never reached')} against ${spreadText(otherJoules, formatJoules, 'never reached')}`;
  const score = (v: number) => v.toFixed(3);
  const scoreText = `best score within the baseline's joules ${spreadText(ownBest, score, 'none')} against ${spreadText(otherBest, score, 'none')}`;
  if (ownJoules === null && ownBest === null) return { goal, met: null, evidence: `${joulesText}; ${scoreText}` };
  return { goal, met: fewerJoules || higherScore, evidence: `${joulesText}; ${scoreText}` };
}

function scoreGoal(own: SelectorComparison, name: string, other: SelectorComparison | undefined): GoalCheck {
  const goal = `best score at least ${name}'s`;
  if (!other) return { goal, met: null, evidence: `${name} is not in this bench` };
  return {
    goal,
    met: own.bestScore.mean >= other.bestScore.mean,
    evidence: `${spreadText(own.bestScore, (v) => v.toFixed(3), '')} against ${spreadText(other.bestScore, (v) => v.toFixed(3), '')}`,
  };
}

/** a's mean plus spread lies below b's mean less spread. */
function below(a: Spread, b: Spread): boolean {
  return a.mean + a.spread < b.mean - b.spread;
}

function spreadText(value: Spread | null, format: (v: number) => string, missing: string): string {
  return value === null ? missing : `${format(value.mean)} ± ${format(value.spread)}`;
}

/** `met`, `not met` or `unknown`, for tables. */
export function goalVerdict(check: GoalCheck): string {
  return check.met === null ? 'unknown' : check.met ? 'met' : 'not met';
}

/** The goals table's columns and rows, for the report and the README. */
export const GOAL_COLUMNS = ['goal', 'figures', 'verdict'] as const;

export function goalRows(checks: readonly GoalCheck[]): string[][] {
  return checks.map((check) => [check.goal, check.evidence, goalVerdict(check)]);
}

/** The line above the goals table. */
export function goalsLead(selector: string): string {
  return `What the default selector (${selector}) has to show against the baselines of this bench, checked from the comparison above.`;
}
