import { Rng } from '@sieve/core';

/**
 * The seeded streams of a run, one per purpose and step, so that a step draws the same numbers
 * whatever happened before it (which is what makes a resumed run identical to an uninterrupted one).
 */
export function superBatchRng(seed: number, step: number): Rng {
  return Rng.derive(seed, 0xba7c4, step);
}

/** The stream a selector samples with at `step` (`ScoringContext.rng`). */
export function selectionRng(seed: number, step: number): Rng {
  return Rng.derive(seed, 0x5e1ec7, step);
}
