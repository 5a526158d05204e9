import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaptionLanguage } from './caption-language';
import { CAPTION_TAG, DUPLICATE_JITTER } from './caption-noise';
import type { NoiseRates } from './caption-noise';
import { conceptIdOf } from './caption-templates';
import { buildContrastiveDataset } from './contrastive-dataset';
import { FASHION_CLASS_NAMES, FASHION_CLASS_NOUNS } from './fashion-classes';
import { attributeBins, attributeThresholds, measureImages } from './image-attributes';
import { syntheticImages } from './testing/synthetic-images';
import type { ContrastiveDataset } from './types';
import { PAD_ID } from './vocabulary';

const rates: NoiseRates = { clean: 0.4, duplicate: 0.1, mismatched: 0.3, junk: 0.2 };
// 70 images per class split 10 test / 4 reference / 56 pool, as 7,000 split 1,000 / 400 / 5,600.
const source = syntheticImages({ classCount: 10, imagesPerClass: 70 });
const build = () =>
  buildContrastiveDataset(source, { name: 'fixture', classNames: FASHION_CLASS_NAMES, classNouns: FASHION_CLASS_NOUNS, noise: rates });
const language = new CaptionLanguage(FASHION_CLASS_NOUNS);
const sourceMeasurements = measureImages(source.pixels, 784);
const thresholds = attributeThresholds(sourceMeasurements, source.labels, 10);

/** Attribute bins of image `row` of a split, computed from its pixels as the captions were. */
function binsOf(images: Float32Array, labels: Int32Array, row: number): { brightness: number; size: number } {
  const bytes = Uint8Array.from(images.subarray(row * 784, (row + 1) * 784), (v) => Math.round(v * 255));
  const bins = attributeBins(measureImages(bytes, 784), labels.subarray(row, row + 1), thresholds);
  return { brightness: bins.brightness[0], size: bins.size[0] };
}

const tokensOf = (tokens: Int32Array, row: number, maxTokens: number) => tokens.subarray(row * maxTokens, (row + 1) * maxTokens);
const imageKey = (images: Float32Array | Uint8Array, row: number) => Array.from(images.subarray(row * 784, (row + 1) * 784), (v) => (v <= 1 && images instanceof Float32Array ? Math.round(v * 255) : v)).join(',');

describe('buildContrastiveDataset', () => {
  let dataset: ContrastiveDataset;
  beforeAll(() => {
    dataset = build();
  });

  it('has the split sizes and the shapes of the contract', () => {
    expect(dataset).toMatchObject({ kind: 'contrastive', name: 'fixture', imageSide: 28, maxTokens: 9, droppedEntries: 0 });
    expect([dataset.pool.count, dataset.reference.count, dataset.test.count]).toEqual([560, 40, 100]);
    for (const split of [dataset.pool, dataset.reference, dataset.test]) {
      expect(split.images).toHaveLength(split.count * 784);
      expect(split.labels).toHaveLength(split.count);
      expect(split.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    expect(dataset.pool.tokens).toHaveLength(560 * 9);
    expect(dataset.reference.tokens).toHaveLength(40 * 9);
    expect(dataset.test.concepts).toHaveLength(100);
    expect(dataset.vocabulary[0]).toBe('<pad>');
    expect(dataset.vocabulary).toEqual(language.vocabulary.words);
  });

  it('uses every source image once, in one split only (duplicates aside)', () => {
    const sourceIndex = new Map<string, number>();
    for (let i = 0; i < source.count; i++) sourceIndex.set(imageKey(source.pixels, i), i);
    const used = new Set<number>();
    const take = (images: Float32Array, count: number, skip: (row: number) => boolean = () => false) => {
      for (let row = 0; row < count; row++) {
        if (skip(row)) continue;
        const index = sourceIndex.get(imageKey(images, row));
        expect(index).toBeDefined();
        expect(used.has(index as number)).toBe(false);
        used.add(index as number);
      }
    };
    take(dataset.test.images, 100);
    take(dataset.reference.images, 40);
    take(dataset.pool.images, 560, (row) => dataset.pool.tags[row] === CAPTION_TAG.duplicate);
    expect(used.size).toBe(700 - 56);
  });

  it('captions reference and clean pool images truly: class noun and attributes computed from the image', () => {
    const check = (split: { images: Float32Array; labels: Int32Array; tokens: Int32Array }, row: number) => {
      const meaning = language.parse(tokensOf(split.tokens, row, 9));
      expect(meaning).toMatchObject({ classIndex: split.labels[row], ...binsOf(split.images, split.labels, row) });
    };
    for (let row = 0; row < 40; row++) check(dataset.reference, row);
    for (let row = 0; row < 560; row++) if (dataset.pool.tags[row] === CAPTION_TAG.clean) check(dataset.pool, row);
  });

  it('gives each test image the concept its caption would name', () => {
    for (let row = 0; row < 100; row++) {
      const { brightness, size } = binsOf(dataset.test.images, dataset.test.labels, row);
      expect(dataset.test.concepts[row]).toBe(conceptIdOf(dataset.test.labels[row], brightness, size));
    }
    // 100 images over 60 concepts: the per-class bins spread them out.
    expect(new Set(dataset.test.concepts).size).toBeGreaterThan(40);
  });

  it('puts noise in the pool only, at the configured rates, each tag as described', () => {
    const pool = dataset.pool;
    const duplicateOf = pool.duplicateOf ?? new Int32Array(0);
    expect(duplicateOf).toHaveLength(pool.count);
    expect(pool.tagNames).toEqual(['clean', 'duplicate', 'mismatched', 'junk']);
    expect([0, 1, 2, 3].map((tag) => pool.tags.filter((t) => t === tag).length)).toEqual([224, 56, 168, 112]);
    expect('tags' in dataset.reference).toBe(false);
    expect('tags' in dataset.test).toBe(false);
    for (let row = 0; row < pool.count; row++) {
      const tokens = tokensOf(pool.tokens, row, 9);
      const tag = pool.tags[row];
      if (tag === CAPTION_TAG.duplicate) {
        const original = duplicateOf[row];
        expect(pool.tags[original]).toBe(CAPTION_TAG.clean);
        expect(pool.labels[row]).toBe(pool.labels[original]);
        expect(tokens).toEqual(tokensOf(pool.tokens, original, 9));
        for (let p = 0; p < 784; p++)
          expect(Math.abs(pool.images[row * 784 + p] - pool.images[original * 784 + p])).toBeLessThanOrEqual(DUPLICATE_JITTER / 255 + 1e-6);
      } else {
        expect(duplicateOf[row]).toBe(-1);
      }
      if (tag === CAPTION_TAG.mismatched) expect(language.parse(tokens)?.classIndex).not.toBe(pool.labels[row]);
      if (tag === CAPTION_TAG.junk) expect(language.parse(tokens)).toBeNull();
    }
  });

  it('pads every caption at the end, with ids inside the vocabulary', () => {
    for (const tokens of [dataset.pool.tokens, dataset.reference.tokens]) {
      for (let row = 0; row < tokens.length / 9; row++) {
        const ids = Array.from(tokensOf(tokens, row, 9));
        const used = ids.indexOf(PAD_ID) === -1 ? 9 : ids.indexOf(PAD_ID);
        expect(used).toBeGreaterThanOrEqual(4);
        expect(ids.slice(used).every((id) => id === PAD_ID)).toBe(true);
        expect(ids.slice(0, used).every((id) => id > 0 && id < dataset.vocabulary.length)).toBe(true);
      }
    }
  });

  it('has zero-shot prompts for 10 classes and 60 concepts', () => {
    expect(dataset.zeroShot.classPrompts.map((p) => p.length / 9)).toEqual(new Array(10).fill(3));
    expect(dataset.zeroShot.conceptPrompts).toHaveLength(60);
    expect(dataset.zeroShot.conceptNames[conceptIdOf(9, 0, 0)]).toBe('dark small ankle boot');
  });

  it('is deterministic: the same images give identical arrays', () => {
    // isDeepStrictEqual compares typed arrays natively; vitest's toEqual walks them element by element.
    expect(isDeepStrictEqual(build(), dataset)).toBe(true);
  });

  it('uses the class names as nouns when none are given', () => {
    const digits = buildContrastiveDataset(syntheticImages({ classCount: 2, imagesPerClass: 20 }), {
      name: 'idx',
      classNames: ['Zero', 'big One'],
      noise: rates,
    });
    expect(digits.vocabulary).toEqual(expect.arrayContaining(['zero', 'big', 'one']));
    expect(digits.zeroShot.classPrompts.map((p) => p.length / digits.maxTokens)).toEqual([1, 1]);
    expect(digits.zeroShot.conceptNames[conceptIdOf(1, 2, 1)]).toBe('bright large big One');
  });
});
