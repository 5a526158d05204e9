import { describe, expect, it } from 'vitest';
import { costToReach, mean, standardDeviation } from './reach';
import { point } from './testing';

describe('costToReach', () => {
  const points = [point(50, 0.2), point(100, 0.4), point(150, 0.5)];

  it('interpolates linearly between the points around the crossing', () => {
    // Target 0.3 lies halfway between 0.2 (step 50) and 0.4 (step 100): step 75.
    expect(costToReach(points, 0.3, 'steps')).toBeCloseTo(75, 12);
    // Same fraction on FLOPs: 500 + 0.5 * (1000 - 500) = 750, plus the 1000 one-off.
    expect(costToReach(points, 0.3, 'flopsWithoutReference')).toBeCloseTo(750, 12);
    expect(costToReach(points, 0.3, 'flopsWithReference')).toBeCloseTo(1750, 12);
    // Target 0.45: 0.5 of the way from 0.4 (100) to 0.5 (150): 125 steps, 250 J.
    expect(costToReach(points, 0.45, 'joulesWithoutReference')).toBeCloseTo(250, 12);
  });

  it('is the first point when the run starts at the target, and null when never reached', () => {
    expect(costToReach(points, 0.1, 'steps')).toBe(50);
    expect(costToReach(points, 0.5, 'steps')).toBe(150);
    expect(costToReach(points, 0.51, 'steps')).toBeNull();
  });

  it('is null on the joules axes without a meter', () => {
    expect(costToReach([point(50, 0.9, 500, null)], 0.5, 'joulesWithReference', 40)).toBeNull();
    expect(costToReach([point(50, 0.9, 500, null)], 0.5, 'joulesWithoutReference')).toBeNull();
  });

  it("leaves out the reference's one-off joules without it, and adds them with it", () => {
    // A run that trained its reference itself: 40 J of it in every point, 100 J + 40 J at step 50.
    const trainedItself = [point(50, 0.2, 500, 100, 40), point(100, 0.4, 1000, 200, 40)];
    expect(costToReach(trainedItself, 0.3, 'joulesWithoutReference')).toBeCloseTo(150, 12);
    expect(costToReach(trainedItself, 0.3, 'joulesWithReference')).toBeCloseTo(190, 12);
    // A run that reused a cached reference spent none of it: the bench's record (70 J) is added.
    const reused = [point(50, 0.2, 500, 100), point(100, 0.4, 1000, 200)];
    expect(costToReach(reused, 0.3, 'joulesWithReference', 70)).toBeCloseTo(220, 12);
    // Without a record its reference joules are unknown.
    expect(costToReach(reused, 0.3, 'joulesWithReference')).toBeNull();
    // A run that never used a reference costs the same with and without.
    const uniform = [point(50, 0.2, 500, 100, 0, false), point(100, 0.4, 1000, 200, 0, false)];
    expect(costToReach(uniform, 0.3, 'joulesWithReference', 70)).toBeCloseTo(150, 12);
    expect(costToReach(uniform, 0.3, 'flopsWithReference')).toBeCloseTo(750, 12);
  });
});

describe('mean and standardDeviation', () => {
  it('give the textbook values', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    // Sample variance of that set: 32 / 7.
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(standardDeviation([3])).toBe(0);
  });
});
