import type { BenchmarkPoint } from '@sieve/core';

/** A point with only the fields the comparison reads. */
export function point(step: number, score: number, flops = step * 10, joules: number | null = step * 2): BenchmarkPoint {
  return {
    step,
    score,
    flopsTotal: flops + 1000,
    flopsTotalWithoutReference: flops,
    energy: { joulesTotal: joules },
  } as unknown as BenchmarkPoint;
}
