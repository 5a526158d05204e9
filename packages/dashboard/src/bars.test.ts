import { describe, expect, it } from 'vitest';
import { renderBar } from './bars';

describe('renderBar', () => {
  it('fills whole and partial cells by eighths', () => {
    expect(renderBar(0.5, 4)).toBe('██  ');
    // 17/32 of 4 cells = 17 eighths: two full cells and one eighth.
    expect(renderBar(17 / 32, 4)).toBe('██▏ ');
    expect(renderBar(0.55, 4)).toBe('██▎ ');
    expect(renderBar(1, 3)).toBe('███');
    expect(renderBar(0, 3, '·')).toBe('···');
  });

  it('clamps out-of-range fractions and keeps the width', () => {
    expect(renderBar(1.7, 5)).toBe('█████');
    expect(renderBar(-1, 5)).toBe('     ');
    expect(renderBar(Number.NaN, 2)).toBe('  ');
    for (let f = 0; f <= 1; f += 0.01) expect([...renderBar(f, 10)].length).toBe(10);
  });
});
