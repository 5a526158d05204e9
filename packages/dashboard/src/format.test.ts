import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatExponential,
  formatFixed,
  formatJoules,
  formatPercent,
  formatStepsPerSecond,
  formatWatts,
} from './format';

describe('format', () => {
  it('scales joules with SI prefixes at about three significant digits', () => {
    expect(formatJoules(4.123)).toBe('4.12 J');
    expect(formatJoules(41)).toBe('41.0 J');
    expect(formatJoules(812.3)).toBe('812 J');
    expect(formatJoules(999.7)).toBe('1.00 kJ');
    expect(formatJoules(12_345)).toBe('12.3 kJ');
    expect(formatJoules(1_234_567)).toBe('1.23 MJ');
    expect(formatJoules(null)).toBe('-');
    expect(formatJoules(Number.NaN)).toBe('-');
  });

  it('formats watts the same way', () => {
    expect(formatWatts(4.1)).toBe('4.10 W');
    expect(formatWatts(312.4)).toBe('312 W');
    expect(formatWatts(1200)).toBe('1.20 kW');
    expect(formatWatts(null)).toBe('-');
  });

  it('writes durations as seconds, minutes and seconds, or hours and minutes', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45.4)).toBe('45s');
    expect(formatDuration(59.6)).toBe('1m00s');
    expect(formatDuration(112)).toBe('1m52s');
    expect(formatDuration(3600)).toBe('1h00m');
    expect(formatDuration(7380)).toBe('2h03m');
    expect(formatDuration(null)).toBe('-');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('-');
    expect(formatDuration(-1)).toBe('-');
  });

  it('formats percentages, rates, exponentials and fixed decimals', () => {
    expect(formatPercent(0.4123)).toBe('41.2%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0.5, 0)).toBe('50%');
    expect(formatPercent(null)).toBe('-');
    expect(formatStepsPerSecond(12.34)).toBe('12.3 steps/s');
    expect(formatStepsPerSecond(0.4213)).toBe('0.42 steps/s');
    expect(formatStepsPerSecond(null)).toBe('- steps/s');
    expect(formatExponential(1.234e12)).toBe('1.2e12');
    expect(formatExponential(5e-3)).toBe('5.0e-3');
    expect(formatFixed(3.14159, 2)).toBe('3.14');
    expect(formatFixed(null, 2)).toBe('-');
  });
});
