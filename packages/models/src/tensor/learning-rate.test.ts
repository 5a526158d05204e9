import { describe, expect, it } from 'vitest';
import { learningRateAt } from './learning-rate';

describe('learningRateAt', () => {
  const schedule = { peak: 1e-3, warmupSteps: 10, totalSteps: 110, finalFraction: 0.1 };

  it('warms up linearly to the peak', () => {
    // step s <= 10: peak * s / 10
    expect(learningRateAt(1, schedule)).toBeCloseTo(1e-4, 12);
    expect(learningRateAt(5, schedule)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(10, schedule)).toBeCloseTo(1e-3, 12);
  });

  it('decays along a cosine to finalFraction * peak', () => {
    // Half-way through the 100 decay steps (step 60): cos(pi/2) = 0, so
    // peak * (0.1 + 0.9 * 0.5) = 0.55e-3.
    expect(learningRateAt(60, schedule)).toBeCloseTo(0.55e-3, 12);
    // A quarter of the way (step 35): 0.5 * (1 + cos(pi/4)) = 0.853553, so
    // 1e-3 * (0.1 + 0.9 * 0.853553) = 0.868198e-3.
    expect(learningRateAt(35, schedule)).toBeCloseTo(0.8681981e-3, 9);
    expect(learningRateAt(110, schedule)).toBeCloseTo(1e-4, 12);
    expect(learningRateAt(500, schedule)).toBeCloseTo(1e-4, 12);
  });

  it('never increases after warm-up and has no warm-up when warmupSteps is 0', () => {
    let previous = Infinity;
    for (let step = 10; step <= 120; step++) {
      const rate = learningRateAt(step, schedule);
      expect(rate).toBeLessThanOrEqual(previous);
      previous = rate;
    }
    const noWarmup = { ...schedule, warmupSteps: 0 };
    expect(learningRateAt(0, noWarmup)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(1, noWarmup)).toBeLessThan(1e-3);
  });
});
