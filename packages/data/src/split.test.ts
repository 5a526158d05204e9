import { UserInputError } from '@sieve/core';
import { describe, expect, it } from 'vitest';
import { splitByClass, splitSizesFor } from './split';

describe('splitSizesFor', () => {
  it("keeps Fashion-MNIST's 1,000 / 400 / 5,600 per class of 7,000", () => {
    expect(splitSizesFor(7000)).toEqual({ test: 1000, reference: 400, pool: 5600 });
  });

  it('keeps the proportions for smaller classes, with at least one image in each part', () => {
    // 6,000 (MNIST-like): 6000/7 = 857.1 -> 857; 6000*400/7000 = 342.9 -> 343; pool 4,800.
    expect(splitSizesFor(6000)).toEqual({ test: 857, reference: 343, pool: 4800 });
    // 70: 10 test, 4 reference, 56 pool.
    expect(splitSizesFor(70)).toEqual({ test: 10, reference: 4, pool: 56 });
    // 3: 0.43 -> 1, 0.17 -> 1, pool 1.
    expect(splitSizesFor(3)).toEqual({ test: 1, reference: 1, pool: 1 });
    expect(() => splitSizesFor(2)).toThrow(RangeError);
    for (let n = 3; n < 500; n++) {
      const sizes = splitSizesFor(n);
      expect(Math.min(sizes.test, sizes.reference, sizes.pool)).toBeGreaterThanOrEqual(1);
      expect(sizes.test + sizes.reference + sizes.pool).toBe(n);
    }
  });
});

describe('splitByClass', () => {
  // 3 classes of 70, 20 and 0 images; class 1's images interleaved with class 0's.
  const labels = Int32Array.from([...Array(50).fill(0), ...Array.from({ length: 40 }, (_, k) => (k % 2 === 0 ? 0 : 1))]);

  it('splits each class by splitSizesFor into disjoint parts that cover every image', () => {
    const split = splitByClass(labels, 3);
    const all = [...split.test, ...split.reference, ...split.pool];
    expect(new Set(all).size).toBe(labels.length);
    expect(all.length).toBe(labels.length);
    const countOf = (indices: Int32Array, classIndex: number) => indices.filter((i) => labels[i] === classIndex).length;
    // Class 0: 70 -> 10 / 4 / 56. Class 1: 20 -> round(2.86) = 3 / round(1.14) = 1 / 16.
    expect([countOf(split.test, 0), countOf(split.reference, 0), countOf(split.pool, 0)]).toEqual([10, 4, 56]);
    expect([countOf(split.test, 1), countOf(split.reference, 1), countOf(split.pool, 1)]).toEqual([3, 1, 16]);
  });

  it('is the same on every call, and differs with another seed', () => {
    expect(splitByClass(labels, 3)).toEqual(splitByClass(labels, 3));
    expect(splitByClass(labels, 3, 1).pool).not.toEqual(splitByClass(labels, 3).pool);
  });

  it('shuffles each part, so its first images mix classes', () => {
    const split = splitByClass(labels, 3);
    const firstClasses = new Set(Array.from(split.pool.subarray(0, 20), (i) => labels[i]));
    expect(firstClasses.size).toBe(2);
  });

  it('refuses a class of 1 or 2 images and labels outside the classes', () => {
    expect(() => splitByClass(Int32Array.from([0, 0, 0, 1, 1]), 2)).toThrow(UserInputError);
    expect(() => splitByClass(Int32Array.from([0, 0, 0, 1, 1]), 2)).toThrow(/class 1 has only 2 image/);
    expect(() => splitByClass(Int32Array.from([0, 0, 3]), 2)).toThrow(/label 3/);
  });
});
