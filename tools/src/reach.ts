import { ONE_OFF_PHASES, type BenchmarkPoint } from '@sieve/core';

/** The cost axes a selector is compared on. */
export type CostAxis = 'steps' | 'flops' | 'flopsWithoutReference' | 'joules' | 'joulesWithoutReference';

export function costOf(point: BenchmarkPoint, axis: CostAxis): number | null {
  switch (axis) {
    case 'steps':
      return point.step;
    case 'flops':
      return point.flopsTotal;
    case 'flopsWithoutReference':
      return point.flopsTotalWithoutReference;
    case 'joules':
      return point.energy.joulesTotal;
    case 'joulesWithoutReference':
      return joulesWithoutReference(point);
  }
}

/**
 * Joules less the reference model's one-off phases. A run that reuses a cached reference spends
 * nothing on it while one that trains it spends a lot, so only this total compares runs fairly.
 */
function joulesWithoutReference(point: BenchmarkPoint): number | null {
  const { joulesTotal, joulesByPhase } = point.energy;
  if (joulesTotal === null) return null;
  const oneOff = ONE_OFF_PHASES.reduce((sum, phase) => sum + (joulesByPhase?.[phase] ?? 0), 0);
  return joulesTotal - oneOff;
}

/**
 * The cost at which `score` first reaches `target`, by linear interpolation between the two
 * points around the crossing (the protocol's rule); null if it never does. A run whose first
 * point is already at the target reaches it there.
 */
export function costToReach(points: readonly BenchmarkPoint[], target: number, axis: CostAxis): number | null {
  let previous: { cost: number; score: number } | null = null;
  for (const point of points) {
    const cost = costOf(point, axis);
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
