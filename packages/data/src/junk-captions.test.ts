import { Rng } from '@sieve/core';
import { describe, expect, it } from 'vitest';
import { BRIGHTNESS_WORDS, CAPTION_TEMPLATES, SIZE_WORDS } from './caption-templates';
import { FASHION_CLASS_NOUNS } from './fashion-classes';
import { JUNK_FILE_EXTENSIONS, JUNK_MAX_WORDS, JUNK_NUMBERS, JUNK_SHOP_WORDS, JUNK_WORDS, junkCaptionWords } from './junk-captions';

describe('junkCaptionWords', () => {
  it('makes a file name and 1 to 4 shop words, in junk words only', () => {
    const rng = new Rng(7);
    const lengths = new Set<number>();
    for (let k = 0; k < 2000; k++) {
      const words = junkCaptionWords(rng);
      lengths.add(words.length);
      expect(words.every((word) => JUNK_WORDS.includes(word))).toBe(true);
      expect(words.filter((word) => JUNK_NUMBERS.includes(word))).toHaveLength(1);
      expect(words.filter((word) => JUNK_FILE_EXTENSIONS.includes(word))).toHaveLength(1);
      expect(words.filter((word) => JUNK_SHOP_WORDS.includes(word)).length).toBeGreaterThanOrEqual(1);
    }
    // 3 file-name words + 1..4 shop words
    expect([...lengths].sort()).toEqual([4, 5, 6, 7]);
    expect(JUNK_MAX_WORDS).toBe(7);
  });

  it('shares no word with captions: no noun, attribute or template word', () => {
    const captionWords = new Set([
      ...FASHION_CLASS_NOUNS.flat().flatMap((noun) => noun.split(' ')),
      ...BRIGHTNESS_WORDS,
      ...SIZE_WORDS,
      ...CAPTION_TEMPLATES.flatMap((template) => template.split(' ')),
    ]);
    expect(JUNK_WORDS.filter((word) => captionWords.has(word))).toEqual([]);
  });

  it('is reproducible from the seed', () => {
    const draw = (seed: number) => Array.from({ length: 20 }, ((rng) => () => junkCaptionWords(rng).join(' '))(new Rng(seed)));
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });
});
