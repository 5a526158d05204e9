import { Rng, UserInputError } from '@sieve/core';
import { describe, expect, it } from 'vitest';
import { LABEL_TAG, flipLabels } from './label-noise';

describe('flipLabels', () => {
  const rng = new Rng(8);
  const trueLabels = Int32Array.from({ length: 5000 }, () => rng.nextInt(10));

  it('flips round(fraction * count) labels, each to another class, and tags them', () => {
    const { labels, tags } = flipLabels(trueLabels, 10, 0.4);
    expect(tags.filter((tag) => tag === LABEL_TAG.flipped)).toHaveLength(2000);
    labels.forEach((label, example) => {
      expect(label).toBeGreaterThanOrEqual(0);
      expect(label).toBeLessThan(10);
      expect(label !== trueLabels[example]).toBe(tags[example] === LABEL_TAG.flipped);
    });
  });

  it('spreads flips over every other class', () => {
    const { labels, tags } = flipLabels(trueLabels, 10, 0.4);
    // 2,000 flips over 9 offsets: about 222 each; 150 is far below any plausible draw.
    const offsets = new Array(10).fill(0);
    tags.forEach((tag, example) => {
      if (tag === LABEL_TAG.flipped) offsets[(labels[example] - trueLabels[example] + 10) % 10]++;
    });
    expect(offsets[0]).toBe(0);
    for (let offset = 1; offset < 10; offset++) expect(offsets[offset]).toBeGreaterThan(150);
  });

  it('is deterministic, leaves its input alone, and flips nothing at 0', () => {
    const copy = trueLabels.slice();
    expect(flipLabels(trueLabels, 10, 0.4)).toEqual(flipLabels(trueLabels, 10, 0.4));
    expect(trueLabels).toEqual(copy);
    expect(flipLabels(trueLabels, 10, 0).labels).toEqual(trueLabels);
  });

  it('refuses to flip with a single class', () => {
    expect(() => flipLabels(Int32Array.from([0, 0]), 1, 0.5)).toThrow(UserInputError);
    expect(flipLabels(Int32Array.from([0, 0]), 1, 0).labels).toEqual(Int32Array.from([0, 0]));
  });
});
