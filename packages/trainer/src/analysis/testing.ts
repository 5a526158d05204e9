import type { BenchmarkPoint } from '@sieve/core';
import type { RunRecord, RunSetup } from './compare';

/**
 * A point with only the fields the comparison reads: a one-off reference of 1000 FLOPs (750 of
 * training, 250 of embedding; none when `usesReference` is false), and `referenceJoules` of its
 * joules split over the two one-off phases.
 */
export function point(step: number, score: number, flops = step * 10, joules: number | null = step * 2, referenceJoules = 0, usesReference = true): BenchmarkPoint {
  const oneOff = usesReference ? 1000 : 0;
  return {
    step,
    score,
    flopsTotal: flops + oneOff,
    flopsTotalWithoutReference: flops,
    flopsByPhase: { 'reference-training': 0.75 * oneOff, 'reference-embedding': 0.25 * oneOff },
    energy: {
      joulesTotal: joules === null ? null : joules + referenceJoules,
      joulesByPhase: { 'reference-training': 0.75 * referenceJoules, 'reference-embedding': 0.25 * referenceJoules },
    },
  } as unknown as BenchmarkPoint;
}

export const SETUP: RunSetup = { task: 'fashion-captions', batchSize: 128, steps: 150, model: { imageTower: 'mlp' } };

/** A run record of `points`, with the shared setup unless told otherwise. */
export function runRecord(selector: string, seed: number, points: BenchmarkPoint[], setup: Partial<RunSetup> = {}): RunRecord {
  return { dir: `${selector}-${seed}`, selector, seed, summary: null, setup: { ...SETUP, ...setup }, points };
}
