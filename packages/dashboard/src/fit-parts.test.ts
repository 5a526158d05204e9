import { describe, expect, it } from 'vitest';
import { fitParts } from './fit-parts';

describe('fitParts', () => {
  it('keeps whole leading parts that fit and drops the rest', () => {
    expect(fitParts(['aa', 'bb', 'cc'], 20)).toBe('aa · bb · cc');
    // 'aa · bb' is 7 columns; adding ' · cc' would make 12.
    expect(fitParts(['aa', 'bb', 'cc'], 11)).toBe('aa · bb');
    expect(fitParts(['aa', 'bb', 'cc'], 7)).toBe('aa · bb');
    expect(fitParts(['aa', 'bb', 'cc'], 6)).toBe('aa');
  });

  it('always keeps the first part and handles no parts', () => {
    expect(fitParts(['a long first part'], 4)).toBe('a long first part');
    expect(fitParts([], 10)).toBe('');
    expect(fitParts(['a', 'b'], 10, ', ')).toBe('a, b');
  });
});
