import type { BenchmarkPoint } from '@sieve/core';

/**
 * A point with only the fields the comparison reads: a one-off reference of 1000 FLOPs, and
 * `referenceJoules` of its joules split over the two one-off phases.
 */
export function point(step: number, score: number, flops = step * 10, joules: number | null = step * 2, referenceJoules = 0): BenchmarkPoint {
  return {
    step,
    score,
    flopsTotal: flops + 1000,
    flopsTotalWithoutReference: flops,
    energy: {
      joulesTotal: joules === null ? null : joules + referenceJoules,
      joulesByPhase: { 'reference-training': 0.75 * referenceJoules, 'reference-embedding': 0.25 * referenceJoules },
    },
  } as unknown as BenchmarkPoint;
}
