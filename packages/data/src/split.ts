import { Rng, UserInputError } from '@sieve/core';

/** The split is the same for every run seed. */
export const SPLIT_SEED = 0;

/** Fashion-MNIST's 7,000 images per class: 1,000 test, 400 reference, 5,600 pool. */
export const TEST_FRACTION = 1000 / 7000;
export const REFERENCE_FRACTION = 400 / 7000;

export interface SplitSizes {
  test: number;
  reference: number;
  pool: number;
}

/**
 * How a class of `imageCount` images is split: Fashion-MNIST's proportions (1/7 test,
 * 400/7000 reference), rounded, with at least one image in each part. 7,000 images give
 * exactly 1,000 / 400 / 5,600; a class needs at least 3 images.
 */
export function splitSizesFor(imageCount: number): SplitSizes {
  if (imageCount < 3) throw new RangeError(`a class needs at least 3 images to split, got ${imageCount}`);
  const test = Math.max(1, Math.round(imageCount * TEST_FRACTION));
  const reference = Math.max(1, Math.round(imageCount * REFERENCE_FRACTION));
  return { test, reference, pool: imageCount - test - reference };
}

/** Indices into the source images, each split in a shuffled (not class-sorted) order. */
export interface SplitIndices {
  test: Int32Array;
  reference: Int32Array;
  pool: Int32Array;
}

/**
 * Splits each class by `splitSizesFor`, drawing with `Rng(seed)`. Each split is then shuffled,
 * so that its first N images (an evaluation limit) are a fair mix of classes.
 * Classes without images are allowed; a class with 1 or 2 images is a UserInputError.
 */
export function splitByClass(labels: Int32Array, classCount: number, seed = SPLIT_SEED): SplitIndices {
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  labels.forEach((label, image) => {
    if (!(label >= 0 && label < classCount)) throw new RangeError(`image ${image} has label ${label}, outside 0..${classCount - 1}`);
    byClass[label].push(image);
  });
  const rng = new Rng(seed);
  const test: number[] = [];
  const reference: number[] = [];
  const pool: number[] = [];
  byClass.forEach((images, classIndex) => {
    if (images.length === 0) return;
    if (images.length < 3)
      throw new UserInputError(
        'data.labels',
        `class ${classIndex} has only ${images.length} image(s); every class that has images needs at least 3 (one each for test, reference and pool)`,
      );
    const sizes = splitSizesFor(images.length);
    rng.shuffle(images);
    test.push(...images.slice(0, sizes.test));
    reference.push(...images.slice(sizes.test, sizes.test + sizes.reference));
    pool.push(...images.slice(sizes.test + sizes.reference));
  });
  return {
    test: Int32Array.from(rng.shuffle(test)),
    reference: Int32Array.from(rng.shuffle(reference)),
    pool: Int32Array.from(rng.shuffle(pool)),
  };
}
