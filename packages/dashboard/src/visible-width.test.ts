import { describe, expect, it } from 'vitest';
import { frameWidth, stripAnsi, visibleWidth } from './visible-width';

describe('visible width', () => {
  it('strips colour and hyperlink escapes', () => {
    expect(stripAnsi('\u001B[1m\u001B[36mscore\u001B[39m\u001B[22m')).toBe('score');
    expect(stripAnsi('\u001B]8;;https://x.y\u0007link\u001B]8;;\u0007')).toBe('link');
  });

  it('counts one column per code point, braille and blocks included', () => {
    expect(visibleWidth('\u001B[32m██▌\u001B[39m ⣿⡀')).toBe(6);
    expect(frameWidth('ab\n\u001B[31mabcd\u001B[39m\nabc')).toBe(4);
    expect(frameWidth('')).toBe(0);
  });
});
