import { Rng } from '@sieve/core';
import type { ClassificationDataset, ContrastiveDataset } from '@sieve/data';

/**
 * Small datasets with the real datasets' shapes, for engine tests: each class is a bright
 * square in its own corner of an 8x8 image plus noise; captions are "a photo of c<k>".
 * Half the pool carries a caption of the wrong class (tag `mismatched`).
 */
export function syntheticContrastiveDataset(options: { poolCount?: number; seed?: number } = {}): ContrastiveDataset {
  const side = 8;
  const classes = 4;
  const rng = new Rng(options.seed ?? 11);
  const vocabulary = ['<pad>', 'a', 'photo', 'of', 'c0', 'c1', 'c2', 'c3'];
  const maxTokens = 4;
  const captionOf = (label: number) => Int32Array.from([1, 2, 3, 4 + label]);
  const makeImages = (count: number) => {
    const labels = new Int32Array(count);
    const images = new Float32Array(count * side * side);
    for (let i = 0; i < count; i++) {
      const label = i % classes;
      labels[i] = label;
      const row0 = label < 2 ? 0 : 4;
      const col0 = label % 2 === 0 ? 0 : 4;
      for (let p = 0; p < side * side; p++) images[i * side * side + p] = 0.1 * rng.nextFloat();
      for (let r = row0; r < row0 + 4; r++) for (let c = col0; c < col0 + 4; c++) images[i * side * side + r * side + c] = 0.9;
    }
    return { labels, images };
  };
  const poolCount = options.poolCount ?? 400;
  const pool = makeImages(poolCount);
  const poolTokens = new Int32Array(poolCount * maxTokens);
  const tags = new Uint8Array(poolCount);
  for (let i = 0; i < poolCount; i++) {
    const mismatched = i % 2 === 1;
    tags[i] = mismatched ? 1 : 0;
    poolTokens.set(captionOf(mismatched ? (pool.labels[i] + 1) % classes : pool.labels[i]), i * maxTokens);
  }
  const reference = makeImages(80);
  const referenceTokens = new Int32Array(80 * maxTokens);
  for (let i = 0; i < 80; i++) referenceTokens.set(captionOf(reference.labels[i]), i * maxTokens);
  const test = makeImages(100);
  const prompts = Array.from({ length: classes }, (_, c) => captionOf(c));
  return {
    kind: 'contrastive',
    name: 'synthetic',
    imageSide: side,
    classNames: ['c0', 'c1', 'c2', 'c3'],
    vocabulary,
    maxTokens,
    pool: { count: poolCount, ...pool, tokens: poolTokens, tagNames: ['clean', 'mismatched'], tags },
    reference: { count: 80, ...reference, tokens: referenceTokens },
    test: { count: 100, ...test, concepts: test.labels },
    zeroShot: { classPrompts: prompts, conceptPrompts: prompts, conceptNames: ['c0', 'c1', 'c2', 'c3'] },
    droppedEntries: 0,
  };
}

/** The same images as a classification task with half the pool labels flipped. */
export function syntheticClassificationDataset(): ClassificationDataset {
  const contrastive = syntheticContrastiveDataset();
  const { pool } = contrastive;
  const labels = new Int32Array(pool.count);
  const tags = new Uint8Array(pool.count);
  for (let i = 0; i < pool.count; i++) {
    const flipped = i % 2 === 1;
    labels[i] = flipped ? (pool.labels[i] + 1) % 4 : pool.labels[i];
    tags[i] = flipped ? 1 : 0;
  }
  return {
    kind: 'classification',
    name: 'synthetic-labels',
    imageSide: contrastive.imageSide,
    classNames: contrastive.classNames,
    pool: { count: pool.count, images: pool.images, labels, trueLabels: pool.labels, tagNames: ['clean', 'flipped'], tags },
    reference: { count: contrastive.reference.count, images: contrastive.reference.images, labels: contrastive.reference.labels },
    test: { count: contrastive.test.count, images: contrastive.test.images, labels: contrastive.test.labels },
    droppedEntries: 0,
  };
}
