import { Rng, UserInputError } from '@sieve/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaptionLanguage } from './caption-language';
import { CAPTION_TAG, DUPLICATE_JITTER, DUPLICATE_SOURCE_FRACTION, addCaptionNoise } from './caption-noise';
import type { CleanCaptionedPool, NoiseRates, NoisyCaptionedPool } from './caption-noise';
import { FASHION_CLASS_NOUNS } from './fashion-classes';
import { JUNK_WORDS } from './junk-captions';

const language = new CaptionLanguage(FASHION_CLASS_NOUNS);
const defaultRates: NoiseRates = { clean: 0.4, duplicate: 0.1, mismatched: 0.3, junk: 0.2 };
const pixelsPerImage = 16;

/** 1,000 random 4x4 images of 10 classes with random true captions. */
function cleanPool(count = 1000, classCount = 10): CleanCaptionedPool {
  const rng = new Rng(42);
  const labels = Int32Array.from({ length: count }, () => rng.nextInt(classCount));
  const pixels = Uint8Array.from({ length: count * pixelsPerImage }, () => rng.nextInt(256));
  const tokens = new Int32Array(count * language.maxTokens);
  labels.forEach((label, row) => language.writeCaption(language.randomMeaning(rng, label, rng.nextInt(3), rng.nextInt(2)), tokens, row));
  return { pixels, labels, tokens, pixelsPerImage };
}

const row = (tokens: Int32Array, example: number) => tokens.subarray(example * language.maxTokens, (example + 1) * language.maxTokens);
const tagCount = (pool: NoisyCaptionedPool, tag: number) => pool.tags.filter((t) => t === tag).length;

describe('addCaptionNoise', () => {
  let clean: CleanCaptionedPool;
  let noisy: NoisyCaptionedPool;
  beforeAll(() => {
    clean = cleanPool();
    noisy = addCaptionNoise(clean, defaultRates, language);
  });

  it('tags examples in the configured proportions', () => {
    expect([CAPTION_TAG.clean, CAPTION_TAG.duplicate, CAPTION_TAG.mismatched, CAPTION_TAG.junk].map((tag) => tagCount(noisy, tag))).toEqual([
      400, 100, 300, 200,
    ]);
  });

  it('leaves clean examples untouched', () => {
    noisy.tags.forEach((tag, example) => {
      if (tag !== CAPTION_TAG.clean) return;
      expect(noisy.labels[example]).toBe(clean.labels[example]);
      expect(row(noisy.tokens, example)).toEqual(row(clean.tokens, example));
      expect(noisy.pixels.subarray(example * 16, example * 16 + 16)).toEqual(clean.pixels.subarray(example * 16, example * 16 + 16));
    });
  });

  it('makes duplicates near-copies of a few clean sources, with their label and true caption', () => {
    const sources = new Set<number>();
    noisy.tags.forEach((tag, example) => {
      const source = noisy.duplicateOf[example];
      if (tag !== CAPTION_TAG.duplicate) {
        expect(source).toBe(-1);
        return;
      }
      sources.add(source);
      expect(noisy.tags[source]).toBe(CAPTION_TAG.clean);
      expect(noisy.labels[example]).toBe(clean.labels[source]);
      expect(row(noisy.tokens, example)).toEqual(row(clean.tokens, source));
      let differing = 0;
      for (let p = 0; p < pixelsPerImage; p++) {
        const difference = Math.abs(noisy.pixels[example * 16 + p] - clean.pixels[source * 16 + p]);
        expect(difference).toBeLessThanOrEqual(DUPLICATE_JITTER);
        if (difference > 0) differing++;
      }
      expect(differing).toBeGreaterThan(0); // jittered, not byte-identical
    });
    // 2% of 1,000 = 20 sources for 100 duplicates; each drawn at random, so nearly all are used.
    expect(sources.size).toBeLessThanOrEqual(Math.round(DUPLICATE_SOURCE_FRACTION * 1000));
    expect(sources.size).toBeGreaterThan(15);
  });

  it('gives mismatched examples the true caption of a pool example of another class', () => {
    const captions = new Map<string, Set<number>>();
    clean.labels.forEach((label, example) => {
      const key = row(clean.tokens, example).join(',');
      captions.set(key, (captions.get(key) ?? new Set()).add(example));
    });
    noisy.tags.forEach((tag, example) => {
      if (tag !== CAPTION_TAG.mismatched) return;
      const meaning = language.parse(row(noisy.tokens, example));
      expect(meaning).not.toBeNull();
      expect(meaning?.classIndex).not.toBe(noisy.labels[example]);
      expect(noisy.labels[example]).toBe(clean.labels[example]);
      expect(captions.has(row(noisy.tokens, example).join(','))).toBe(true);
    });
  });

  it('gives junk examples captions of junk words only', () => {
    const junkIds = new Set(JUNK_WORDS.map((word) => language.vocabulary.idOf(word)));
    noisy.tags.forEach((tag, example) => {
      if (tag !== CAPTION_TAG.junk) return;
      expect(language.parse(row(noisy.tokens, example))).toBeNull();
      const ids = Array.from(row(noisy.tokens, example)).filter((id) => id !== 0);
      expect(ids.length).toBeGreaterThanOrEqual(4);
      expect(ids.every((id) => junkIds.has(id))).toBe(true);
    });
  });

  it('is deterministic, does not modify its input, and changes with the seed', () => {
    const before = cleanPool();
    expect(addCaptionNoise(clean, defaultRates, language)).toEqual(noisy);
    expect(clean).toEqual(before);
    expect(addCaptionNoise(clean, defaultRates, language, 99).tags).not.toEqual(noisy.tags);
  });

  it('keeps counts within rounding of the rates for any rates (property)', () => {
    const rng = new Rng(3);
    const pool = cleanPool(137);
    for (let trial = 0; trial < 20; trial++) {
      const raw = [rng.nextFloat(), rng.nextFloat(), rng.nextFloat(), rng.nextFloat()];
      const sum = raw.reduce((a, b) => a + b, 0);
      const rates = { clean: raw[0] / sum, duplicate: raw[1] / sum, mismatched: raw[2] / sum, junk: raw[3] / sum };
      const result = addCaptionNoise(pool, rates, language, trial);
      (['clean', 'duplicate', 'mismatched', 'junk'] as const).forEach((name) =>
        expect(Math.abs(tagCount(result, CAPTION_TAG[name]) - rates[name] * 137)).toBeLessThan(1),
      );
    }
  });

  it('copies non-duplicates when no example is clean', () => {
    const result = addCaptionNoise(clean, { clean: 0, duplicate: 0.5, mismatched: 0.5, junk: 0 }, language);
    result.tags.forEach((tag, example) => {
      if (tag === CAPTION_TAG.duplicate) expect(result.tags[result.duplicateOf[example]]).toBe(CAPTION_TAG.mismatched);
    });
    expect(tagCount(result, CAPTION_TAG.duplicate)).toBe(500);
  });

  it('refuses rates that cannot be met, naming the config field', () => {
    expect(() => addCaptionNoise(clean, { clean: 0.5, duplicate: 0.1, mismatched: 0.3, junk: 0.2 }, language)).toThrow(UserInputError);
    expect(() => addCaptionNoise(clean, { clean: 0, duplicate: 1, mismatched: 0, junk: 0 }, language)).toThrow(/data.noise.duplicate/);
    const oneClass = cleanPool(50, 1);
    expect(() => addCaptionNoise(oneClass, defaultRates, language)).toThrow(/data.noise.mismatched/);
    expect(addCaptionNoise(oneClass, { clean: 0.5, duplicate: 0.2, mismatched: 0, junk: 0.3 }, language).tags).toHaveLength(50);
  });
});
