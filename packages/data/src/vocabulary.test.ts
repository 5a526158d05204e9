import { describe, expect, it } from 'vitest';
import { PAD_ID, PAD_TOKEN, Vocabulary } from './vocabulary';

describe('Vocabulary', () => {
  it('puts <pad> at id 0 and keeps the first occurrence of each word, in order', () => {
    const vocabulary = new Vocabulary(['a', 'photo', 'a', 'of', 'photo']);
    expect(vocabulary.words).toEqual([PAD_TOKEN, 'a', 'photo', 'of']);
    expect(vocabulary.idOf(PAD_TOKEN)).toBe(PAD_ID);
    expect(vocabulary.size).toBe(4);
  });

  it('encodes into a padded row and decodes back up to the padding', () => {
    const vocabulary = new Vocabulary(['a', 'photo', 'of', 'boot']);
    // a=1 photo=2 of=3 a=1 boot=4, then two pads to reach 7 tokens
    expect(Array.from(vocabulary.encode(['a', 'photo', 'of', 'a', 'boot'], 7))).toEqual([1, 2, 3, 1, 4, 0, 0]);
    expect(vocabulary.decode(vocabulary.encode(['a', 'photo', 'of', 'a', 'boot'], 7))).toEqual(['a', 'photo', 'of', 'a', 'boot']);
  });

  it('writes rows in place at an offset', () => {
    const vocabulary = new Vocabulary(['x', 'y']);
    const matrix = new Int32Array(6).fill(9);
    vocabulary.encodeInto(['y'], 3, matrix, 3);
    expect(Array.from(matrix)).toEqual([9, 9, 9, 2, 0, 0]);
  });

  it('refuses unknown words, captions longer than the row, and blank or spaced words', () => {
    const vocabulary = new Vocabulary(['x']);
    expect(() => vocabulary.idOf('y')).toThrow(/not in the vocabulary/);
    expect(() => vocabulary.encode(['x', 'x', 'x'], 2)).toThrow(/do not fit/);
    expect(() => new Vocabulary(['two words'])).toThrow(/one non-blank token/);
    expect(() => new Vocabulary([''])).toThrow(/one non-blank token/);
  });
});
