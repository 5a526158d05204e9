import { describe, expect, it } from 'vitest';
import { captionWords } from './caption-words';

describe('captionWords', () => {
  it('lowercases and keeps words, dropping punctuation and spaces', () => {
    expect(captionWords('A Dark photo, of a SMALL ankle boot!')).toEqual(['a', 'dark', 'photo', 'of', 'a', 'small', 'ankle', 'boot']);
  });
  it('joins hyphenated words and keeps underscores and numbers inside a word', () => {
    expect(captionWords('t-shirt on a flip-flop photo_final 0473')).toEqual(['t-shirt', 'on', 'a', 'flip-flop', 'photo_final', '0473']);
  });
  it('does not join across a spaced dash', () => {
    expect(captionWords('shoe - red')).toEqual(['shoe', 'red']);
    expect(captionWords('-red shoe-')).toEqual(['red', 'shoe']);
  });
  it('keeps accents and splits scripts without spaces into words', () => {
    expect(captionWords('Café crème')).toEqual(['café', 'crème']);
    const japanese = captionWords('東京の猫');
    expect(japanese.length).toBeGreaterThan(1);
    expect(japanese.join('')).toBe('東京の猫');
  });
  it('normalises compatibility forms (full-width letters)', () => {
    expect(captionWords('ＣＡＴ')).toEqual(['cat']);
  });
  it('gives no words for an empty or punctuation-only caption', () => {
    expect(captionWords('')).toEqual([]);
    expect(captionWords(' ... !! ')).toEqual([]);
  });
});
