import { describe, expect, it } from 'vitest';
import { glorotUniform, heUniform, normal, parameterRng } from './initializers';

describe('seeded initialisers', () => {
  it('repeat for the same seed and name, and differ for another seed or name', () => {
    const a = glorotUniform(parameterRng(1, 'image.hidden.kernel'), 20, 30);
    expect(glorotUniform(parameterRng(1, 'image.hidden.kernel'), 20, 30)).toEqual(a);
    expect(glorotUniform(parameterRng(2, 'image.hidden.kernel'), 20, 30)).not.toEqual(a);
    expect(glorotUniform(parameterRng(1, 'text.hidden.kernel'), 20, 30)).not.toEqual(a);
  });

  it('stay inside the Glorot and He bounds and spread across them', () => {
    // Glorot: sqrt(6 / (20 + 30)) = 0.3464; He: sqrt(6 / 20) = 0.5477.
    const glorot = glorotUniform(parameterRng(3, 'g'), 20, 30);
    const he = heUniform(parameterRng(3, 'h'), 20, 30);
    expect(Math.max(...glorot.map(Math.abs))).toBeLessThanOrEqual(0.3465);
    expect(Math.max(...glorot.map(Math.abs))).toBeGreaterThan(0.3);
    expect(Math.max(...he.map(Math.abs))).toBeLessThanOrEqual(0.5478);
    expect(Math.max(...he.map(Math.abs))).toBeGreaterThan(0.5);
  });

  it('draws normals with the requested spread', () => {
    const values = normal(parameterRng(4, 'position'), 20_000, 0.02);
    const variance = values.reduce((s, v) => s + v * v, 0) / values.length;
    // Standard deviation 0.02 within 3% (the sampling error of 20,000 draws is about 0.5%).
    expect(Math.sqrt(variance)).toBeGreaterThan(0.0194);
    expect(Math.sqrt(variance)).toBeLessThan(0.0206);
  });
});
