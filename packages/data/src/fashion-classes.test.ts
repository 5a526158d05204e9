import { describe, expect, it } from 'vitest';
import { FASHION_CLASS_NAMES, FASHION_CLASS_NOUNS } from './fashion-classes';

describe('Fashion-MNIST classes', () => {
  it('lists the ten classes in label order with nouns for each', () => {
    expect(FASHION_CLASS_NAMES).toHaveLength(10);
    expect(FASHION_CLASS_NAMES[0]).toBe('T-shirt/top');
    expect(FASHION_CLASS_NAMES[9]).toBe('ankle boot');
    expect(FASHION_CLASS_NOUNS).toHaveLength(10);
    for (const nouns of FASHION_CLASS_NOUNS) expect(nouns.length).toBeGreaterThanOrEqual(2);
  });

  it('gives every noun to one class only', () => {
    const all = FASHION_CLASS_NOUNS.flat();
    expect(new Set(all).size).toBe(all.length);
  });
});
