import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { LineSplitter } from './line-splitter';

describe('LineSplitter', () => {
  it('gives the same lines however the text is cut into chunks', () => {
    const text = 'a, 1\r\nbb, 2\n\nccc, 3\nlast';
    const rng = new Rng(5);
    for (let trial = 0; trial < 100; trial++) {
      const splitter = new LineSplitter();
      const lines: string[] = [];
      let at = 0;
      while (at < text.length) {
        const size = 1 + rng.nextInt(6);
        lines.push(...splitter.push(text.slice(at, at + size)));
        at += size;
      }
      lines.push(...splitter.flush());
      expect(lines).toEqual(['a, 1', 'bb, 2', '', 'ccc, 3', 'last']);
    }
  });

  it('drops a line that never ends', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push('x'.repeat(25))).toEqual([]);
    expect(splitter.push('ok\nnext\n')).toEqual(['ok', 'next']);
  });
});
