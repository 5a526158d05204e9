export interface LearningRateSchedule {
  /** The rate at the end of warm-up. */
  peak: number;
  warmupSteps: number;
  totalSteps: number;
  /** The cosine decay ends at finalFraction * peak, at step totalSteps. */
  finalFraction: number;
}

/**
 * Learning rate at a 1-based step: linear warm-up from peak / warmupSteps (step 1) to peak
 * (step warmupSteps), then cosine decay to finalFraction * peak at step totalSteps, flat after.
 */
export function learningRateAt(step: number, schedule: LearningRateSchedule): number {
  const { peak, warmupSteps, totalSteps, finalFraction } = schedule;
  if (warmupSteps > 0 && step <= warmupSteps) return (peak * Math.max(step, 0)) / warmupSteps;
  const decaySteps = totalSteps - warmupSteps;
  const progress = decaySteps > 0 ? Math.min((step - warmupSteps) / decaySteps, 1) : 1;
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return peak * (finalFraction + (1 - finalFraction) * cosine);
}
