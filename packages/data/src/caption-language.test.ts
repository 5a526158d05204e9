import { Rng } from '@sieve/core';
import { describe, expect, it } from 'vitest';
import { CaptionLanguage } from './caption-language';
import type { CaptionMeaning } from './caption-language';
import { BRIGHTNESS_WORDS, CAPTION_TEMPLATES, SIZE_WORDS, conceptIdOf } from './caption-templates';
import { FASHION_CLASS_NAMES, FASHION_CLASS_NOUNS } from './fashion-classes';
import { PAD_ID } from './vocabulary';

const language = new CaptionLanguage(FASHION_CLASS_NOUNS);

function everyMeaning(): CaptionMeaning[] {
  const meanings: CaptionMeaning[] = [];
  for (let classIndex = 0; classIndex < 10; classIndex++)
    for (let brightness = 0; brightness < BRIGHTNESS_WORDS.length; brightness++)
      for (let size = 0; size < SIZE_WORDS.length; size++)
        for (let template = 0; template < CAPTION_TEMPLATES.length; template++)
          for (let noun = 0; noun < FASHION_CLASS_NOUNS[classIndex].length; noun++)
            meanings.push({ classIndex, brightness, size, template, noun });
  return meanings;
}

function rowOf(tokens: Int32Array, row: number): Int32Array {
  return tokens.subarray(row * language.maxTokens, (row + 1) * language.maxTokens);
}

describe('CaptionLanguage', () => {
  it('renders the example caption of the protocol', () => {
    // template 1 'a {brightness} photo of a {size} {noun}', dark = 0, small = 0, class 9 noun 0 'ankle boot'
    expect(language.captionWords({ classIndex: 9, brightness: 0, size: 0, template: 1, noun: 0 }).join(' ')).toBe(
      'a dark photo of a small ankle boot',
    );
  });

  it('fits the longest caption: 7 template words and a two-word noun make 9 tokens', () => {
    // 'a {size} {brightness} {noun} on a plain background' with 'ankle boot'
    expect(language.maxTokens).toBe(9);
  });

  it('parses every true caption back to exactly what it says (no two captions alike)', () => {
    const meanings = everyMeaning();
    expect(meanings).toHaveLength(10 * 6 * 6 * 3);
    const tokens = new Int32Array(language.maxTokens);
    const texts = new Set<string>();
    for (const meaning of meanings) {
      language.writeCaption(meaning, tokens, 0);
      expect(language.parse(tokens)).toEqual(meaning);
      texts.add(Array.from(tokens).join(','));
    }
    expect(texts.size).toBe(meanings.length);
  });

  it('pads captions at the end only, with ids inside the vocabulary', () => {
    const tokens = new Int32Array(language.maxTokens);
    for (const meaning of everyMeaning()) {
      language.writeCaption(meaning, tokens, 0);
      const firstPad = tokens.indexOf(PAD_ID);
      const used = firstPad === -1 ? tokens.length : firstPad;
      expect(used).toBe(language.captionWords(meaning).length);
      expect(Array.from(tokens.subarray(used)).every((id) => id === PAD_ID)).toBe(true);
      expect(Array.from(tokens.subarray(0, used)).every((id) => id > 0 && id < language.vocabulary.size)).toBe(true);
    }
  });

  it('does not parse junk captions or prompts as captions', () => {
    const rng = new Rng(1);
    const tokens = new Int32Array(language.maxTokens);
    for (let k = 0; k < 200; k++) {
      language.writeJunkCaption(rng, tokens, 0);
      expect(language.parse(tokens)).toBeNull();
    }
    expect(language.parse(language.classPrompts()[3].subarray(0, language.maxTokens))).toBeNull();
  });

  it('draws templates and nouns from the seed, covering all of them', () => {
    const rng = new Rng(5);
    const seen = new Set<string>();
    for (let k = 0; k < 500; k++) {
      const meaning = language.randomMeaning(rng, 9, 2, 1);
      expect(meaning).toMatchObject({ classIndex: 9, brightness: 2, size: 1 });
      seen.add(`${meaning.template}/${meaning.noun}`);
    }
    expect(seen.size).toBe(CAPTION_TEMPLATES.length * 3);
  });

  it('makes one class prompt per noun', () => {
    const prompts = language.classPrompts();
    expect(prompts).toHaveLength(10);
    expect(prompts[9]).toHaveLength(3 * language.maxTokens);
    expect(language.vocabulary.decode(rowOf(prompts[9], 0)).join(' ')).toBe('a photo of a ankle boot');
    expect(language.vocabulary.decode(rowOf(prompts[9], 1)).join(' ')).toBe('a photo of a boot');
  });

  it('makes 60 concept prompts, one row per noun, indexed by conceptIdOf', () => {
    const prompts = language.conceptPrompts();
    const names = language.conceptNames(FASHION_CLASS_NAMES);
    expect(prompts).toHaveLength(60);
    expect(names).toHaveLength(60);
    const darkSmallAnkleBoot = conceptIdOf(9, 0, 0); // 54
    expect(names[darkSmallAnkleBoot]).toBe('dark small ankle boot');
    expect(language.vocabulary.decode(rowOf(prompts[darkSmallAnkleBoot], 2)).join(' ')).toBe('a photo of a dark small bootie');
    // A concept prompt is a true caption (template 0) of its concept.
    for (let concept = 0; concept < 60; concept++) {
      const meaning = language.parse(rowOf(prompts[concept], 0));
      expect(meaning && conceptIdOf(meaning.classIndex, meaning.brightness, meaning.size)).toBe(concept);
    }
  });

  it('builds a vocabulary from class names alone, splitting names into words', () => {
    const digits = new CaptionLanguage([['zero'], ['big one']]);
    expect(digits.vocabulary.words).toContain('big');
    expect(digits.maxTokens).toBe(9);
    const tokens = new Int32Array(digits.maxTokens);
    digits.writeCaption({ classIndex: 1, brightness: 1, size: 1, template: 0, noun: 0 }, tokens, 0);
    expect(digits.vocabulary.decode(tokens).join(' ')).toBe('a photo of a medium large big one');
    expect(digits.parse(tokens)?.classIndex).toBe(1);
  });
});
