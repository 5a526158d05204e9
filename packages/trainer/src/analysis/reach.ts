import { ONE_OFF_PHASES, type BenchmarkPoint } from '@sieve/core';

/** The cost axes a selector is compared on. */
export type CostAxis = 'steps' | 'flopsWithoutReference' | 'flopsWithReference' | 'joulesWithoutReference' | 'joulesWithReference';

export const COST_AXES: readonly CostAxis[] = ['steps', 'flopsWithoutReference', 'joulesWithoutReference', 'flopsWithReference', 'joulesWithReference'];

/** Whether the run had used the reference model by this point (its one-off FLOPs are charged when first used). */
export function usesReference(point: BenchmarkPoint): boolean {
  return ONE_OFF_PHASES.some((phase) => (point.flopsByPhase?.[phase] ?? 0) > 0);
}

/**
 * A point's cumulative cost on one axis; null where it is unknown (no meter ran).
 * `referenceJoules` is what the run's reference model cost to train and embed the pool, where the
 * bench measured it: a run that reused its reference from a cache spent none of it itself.
 */
export function costOf(point: BenchmarkPoint, axis: CostAxis, referenceJoules: number | null = null): number | null {
  switch (axis) {
    case 'steps':
      return point.step;
    case 'flopsWithReference':
      return point.flopsTotal;
    case 'flopsWithoutReference':
      return point.flopsTotalWithoutReference;
    case 'joulesWithoutReference':
      return joulesWithoutReference(point);
    case 'joulesWithReference': {
      const without = joulesWithoutReference(point);
      if (without === null || !usesReference(point)) return without;
      if (referenceJoules !== null) return without + referenceJoules;
      // Without a measured record, only a run that trained its reference itself knows its joules.
      return oneOffJoules(point) > 0 ? point.energy.joulesTotal : null;
    }
  }
}

function oneOffJoules(point: BenchmarkPoint): number {
  return ONE_OFF_PHASES.reduce((sum, phase) => sum + (point.energy.joulesByPhase?.[phase] ?? 0), 0);
}

/**
 * Joules less the reference model's one-off phases. A run that reuses a cached reference spends
 * nothing on it while one that trains it spends a lot, so only this total compares runs fairly.
 */
function joulesWithoutReference(point: BenchmarkPoint): number | null {
  const { joulesTotal } = point.energy;
  return joulesTotal === null ? null : joulesTotal - oneOffJoules(point);
}

/**
 * The cost at which `score` first reaches `target`, by linear interpolation between the two
 * points around the crossing (the protocol's rule); null if it never does. A run whose first
 * point is already at the target reaches it there.
 */
export function costToReach(points: readonly BenchmarkPoint[], target: number, axis: CostAxis, referenceJoules: number | null = null): number | null {
  let previous: { cost: number; score: number } | null = null;
  for (const point of points) {
    const cost = costOf(point, axis, referenceJoules);
    if (cost === null) return null;
    if (point.score >= target) {
      if (!previous) return cost;
      const fraction = (target - previous.score) / (point.score - previous.score);
      return previous.cost + fraction * (cost - previous.cost);
    }
    previous = { cost, score: point.score };
  }
  return null;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Sample standard deviation; 0 for a single value. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}
