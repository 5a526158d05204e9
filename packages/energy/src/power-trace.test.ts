import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { PowerTrace } from './power-trace';

const wide = { maxGapSeconds: 10, holdSeconds: 10 };

/** A piecewise-linear power function through the given (time, watts) corners. */
function piecewiseLinear(corners: Array<[number, number]>) {
  const valueAt = (t: number): number => {
    for (let k = 0; k < corners.length - 1; k++) {
      const [t0, w0] = corners[k];
      const [t1, w1] = corners[k + 1];
      if (t >= t0 && t <= t1) return w0 + ((w1 - w0) * (t - t0)) / (t1 - t0);
    }
    throw new RangeError(`t = ${t} is outside the trace`);
  };
  // Exact integral: the function is linear between corners, so each clipped piece is a trapezoid.
  const integral = (a: number, b: number): number => {
    let sum = 0;
    for (let k = 0; k < corners.length - 1; k++) {
      const lo = Math.max(a, corners[k][0]);
      const hi = Math.min(b, corners[k + 1][0]);
      if (hi > lo) sum += ((hi - lo) * (valueAt(lo) + valueAt(hi))) / 2;
    }
    return sum;
  };
  return { valueAt, integral };
}

describe('PowerTrace', () => {
  it('integrates a hand-worked trace by trapezoid', () => {
    const trace = new PowerTrace(wide);
    for (const [t, w] of [
      [0, 100],
      [1, 200],
      [2, 200],
      [3, 0],
    ]) {
      trace.add(t, w);
    }
    // 0-1 s: (100 + 200) / 2 = 150 J; 1-2 s: 200 J; 2-3 s: (200 + 0) / 2 = 100 J.
    expect(trace.joulesAt(3)).toBeCloseTo(450, 12);
    // 0-0.5 s: power goes 100 -> 150 W, so 0.5 * (100 + 150) / 2 = 62.5 J.
    expect(trace.joulesAt(0.5)).toBeCloseTo(62.5, 12);
    // 2-2.5 s: 200 -> 100 W, 0.5 * 150 = 75 J on top of 350 J.
    expect(trace.joulesAt(2.5)).toBeCloseTo(425, 12);
    expect(trace.wattsAt(2.5)).toBeCloseTo(100, 12);
    expect(trace.coveredSecondsAt(3)).toBe(3);
  });

  it('is exact on random piecewise-linear traces sampled at every corner and in between', () => {
    const rng = new Rng(20260307);
    for (let trial = 0; trial < 50; trial++) {
      const corners: Array<[number, number]> = [[0, rng.nextFloat() * 400]];
      for (let k = 0; k < 8; k++) {
        corners.push([corners[corners.length - 1][0] + 0.05 + rng.nextFloat(), rng.nextFloat() * 400]);
      }
      const { valueAt, integral } = piecewiseLinear(corners);
      const end = corners[corners.length - 1][0];
      const times = new Set(corners.map(([t]) => t));
      for (let k = 0; k < 30; k++) times.add(rng.nextFloat() * end);
      const trace = new PowerTrace(wide);
      for (const t of [...times].sort((x, y) => x - y)) expect(trace.add(t, valueAt(t))).toBe(true);

      for (let k = 0; k < 20; k++) {
        const a = rng.nextFloat() * end;
        const b = a + rng.nextFloat() * (end - a);
        const measured = trace.joulesAt(b) - trace.joulesAt(a);
        expect(measured).toBeCloseTo(integral(a, b), 9);
        expect(trace.coveredSecondsAt(b) - trace.coveredSecondsAt(a)).toBeCloseTo(b - a, 9);
      }
    }
  });

  it('counts a long gap as uncovered apart from the hold after the earlier sample', () => {
    const trace = new PowerTrace({ maxGapSeconds: 0.5, holdSeconds: 0.5 });
    trace.add(0, 100);
    trace.add(0.1, 100);
    trace.add(5, 100);
    // 0-0.1 s covered (10 J), then 100 W held for 0.5 s (50 J); 0.6-5 s uncovered.
    expect(trace.joulesAt(5)).toBeCloseTo(60, 12);
    expect(trace.coveredSecondsAt(5)).toBeCloseTo(0.6, 12);
    expect(trace.wattsAt(0.4)).toBe(100);
    expect(trace.wattsAt(3)).toBeNull();
  });

  it('holds the newest sample for the hold time only', () => {
    const trace = new PowerTrace({ maxGapSeconds: 0.5, holdSeconds: 0.5 });
    trace.add(0, 100);
    trace.add(0.1, 100);
    // 10 J to the newest sample, then 0.2 s held at 100 W.
    expect(trace.joulesAt(0.3)).toBeCloseTo(30, 12);
    // Past the hold: 10 J + 0.5 s * 100 W, and coverage stops growing.
    expect(trace.joulesAt(2)).toBeCloseTo(60, 12);
    expect(trace.coveredSecondsAt(2)).toBeCloseTo(0.6, 12);
    expect(trace.wattsAt(2)).toBeNull();
  });

  it('rejects samples out of order or without a valid power', () => {
    const trace = new PowerTrace(wide);
    expect(trace.add(1, 10)).toBe(true);
    expect(trace.add(1, 20)).toBe(false);
    expect(trace.add(0.5, 20)).toBe(false);
    expect(trace.add(2, Number.NaN)).toBe(false);
    expect(trace.add(2, -1)).toBe(false);
    expect(trace.sampleCount).toBe(1);
    expect(trace.joulesAt(0)).toBe(0);
  });

  it('answers the same after forgetting old samples', () => {
    const { valueAt } = piecewiseLinear([
      [0, 50],
      [100, 250],
      [300, 20],
    ]);
    const full = new PowerTrace(wide);
    const trimmed = new PowerTrace(wide);
    for (let k = 0; k <= 3000; k++) {
      const t = k * 0.1;
      full.add(t, valueAt(t));
      trimmed.add(t, valueAt(t));
      if (k % 100 === 0) trimmed.forgetBefore(t - 20);
    }
    expect(trimmed.sampleCount).toBeLessThan(400);
    for (const t of [281.05, 290, 299.99, 305]) {
      expect(trimmed.joulesAt(t)).toBeCloseTo(full.joulesAt(t), 9);
      expect(trimmed.coveredSecondsAt(t)).toBeCloseTo(full.coveredSecondsAt(t), 9);
    }
  });
});
