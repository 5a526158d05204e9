import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildClassificationDataset } from './classification-dataset';
import { buildContrastiveDataset } from './contrastive-dataset';
import { FASHION_CLASS_NAMES } from './fashion-classes';
import { LABEL_TAG } from './label-noise';
import { syntheticImages } from './testing/synthetic-images';

const source = syntheticImages({ classCount: 10, imagesPerClass: 70 });
const build = () => buildClassificationDataset(source, { name: 'fashion-noisy-labels', classNames: FASHION_CLASS_NAMES, labelNoise: 0.4 });

describe('buildClassificationDataset', () => {
  const dataset = build();

  it('has the fixed split, with 40% of pool labels flipped and tagged', () => {
    expect(dataset).toMatchObject({ kind: 'classification', name: 'fashion-noisy-labels', imageSide: 28, droppedEntries: 0 });
    expect([dataset.pool.count, dataset.reference.count, dataset.test.count]).toEqual([560, 40, 100]);
    expect(dataset.pool.tagNames).toEqual(['clean', 'flipped']);
    // 0.4 * 560 = 224 flips.
    expect(dataset.pool.tags.filter((t) => t === LABEL_TAG.flipped)).toHaveLength(224);
    dataset.pool.tags.forEach((tag, row) =>
      expect(dataset.pool.labels[row] !== dataset.pool.trueLabels[row]).toBe(tag === LABEL_TAG.flipped),
    );
  });

  it('uses the same split and images as the captioned task, clean outside the pool', () => {
    const captioned = buildContrastiveDataset(source, { name: 'x', classNames: FASHION_CLASS_NAMES, noise: { clean: 1, duplicate: 0, mismatched: 0, junk: 0 } });
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(isDeepStrictEqual(a, b)).toBe(true);
    same(dataset.test.images, captioned.test.images);
    same(dataset.test.labels, captioned.test.labels);
    same(dataset.reference.images, captioned.reference.images);
    same(dataset.reference.labels, captioned.reference.labels);
    same(dataset.pool.images, captioned.pool.images);
    same(dataset.pool.trueLabels, captioned.pool.labels);
    expect('tags' in dataset.test || 'tags' in dataset.reference).toBe(false);
  });

  it('is deterministic', () => {
    expect(isDeepStrictEqual(build(), dataset)).toBe(true);
  });
});
