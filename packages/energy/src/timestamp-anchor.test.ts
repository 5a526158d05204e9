import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { TimestampAnchor } from './timestamp-anchor';

describe('TimestampAnchor', () => {
  it('places rows at their written time, taking the offset from the promptest arrival', () => {
    const anchor = new TimestampAnchor();
    // Wall clock = monotonic + 1,000,000 s. Rows written at 10.0, 10.1, 10.2 s (monotonic).
    const wall = (s: number) => (s + 1_000_000) * 1000;
    // The first row can only be placed at its arrival (50 ms late).
    expect(anchor.map(wall(10.0), 10.05)).toBeCloseTo(10.05, 9);
    // The second arrives 1 ms after it was written: the offset is now known to within 1 ms.
    expect(anchor.map(wall(10.1), 10.101)).toBeCloseTo(10.101, 9);
    // A row stuck in the pipe for 300 ms still lands at its written time, plus that 1 ms.
    expect(anchor.map(wall(10.2), 10.5)).toBeCloseTo(10.201, 9);
  });

  it('recovers the written times within the smallest delay for random delays', () => {
    const rng = new Rng(3);
    const anchor = new TimestampAnchor();
    const offsetMs = 1.7e12;
    let minimumDelay = Number.POSITIVE_INFINITY;
    const rows: Array<[number, number]> = [];
    for (let k = 0; k < 200; k++) {
      const written = 5 + k * 0.1;
      const delay = 0.0005 + rng.nextFloat() * 0.2;
      minimumDelay = Math.min(minimumDelay, delay);
      rows.push([written, anchor.map(offsetMs + written * 1000, written + delay)]);
    }
    // After the promptest row, every later row is placed exactly `minimumDelay` late at most.
    for (const [written, placed] of rows.slice(-50)) {
      expect(placed - written).toBeLessThanOrEqual(minimumDelay + 1e-6);
      expect(placed - written).toBeGreaterThanOrEqual(-1e-6);
    }
  });

  it('starts again when the wall clock steps back', () => {
    const anchor = new TimestampAnchor();
    anchor.map(1_000_000, 1);
    anchor.map(1_000_100, 1.1);
    // The wall clock jumped back an hour; the row arrived at 1.2 s.
    expect(anchor.map(1_000_200 - 3_600_000, 1.2)).toBe(1.2);
    expect(anchor.map(1_000_300 - 3_600_000, 1.3)).toBeCloseTo(1.3, 9);
  });
});
