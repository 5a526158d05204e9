import { describe, expect, it } from 'vitest';
import { gatherRows, imageSplitOf, pixelsToUnit } from './image-split';

describe('gatherRows', () => {
  it('copies the chosen rows in the given order', () => {
    // 3 rows of width 2: [1 2] [3 4] [5 6]; rows 2, 0, 2.
    expect(Array.from(gatherRows(Uint8Array.from([1, 2, 3, 4, 5, 6]), 2, [2, 0, 2]))).toEqual([5, 6, 1, 2, 5, 6]);
    const labels = gatherRows(Int32Array.from([7, 8, 9]), 1, [1]);
    expect(labels).toBeInstanceOf(Int32Array);
    expect(Array.from(labels)).toEqual([8]);
  });
});

describe('imageSplitOf', () => {
  it('gathers images as [0, 1] floats with their labels', () => {
    // Two 1x1 images: 255 and 51 (51 / 255 = 0.2).
    const split = imageSplitOf({ count: 2, side: 1, pixels: Uint8Array.from([255, 51]), labels: Int32Array.from([4, 5]), droppedEntries: 0 }, [1, 0]);
    expect(split.count).toBe(2);
    expect(Array.from(split.images)).toEqual([Math.fround(0.2), 1]);
    expect(Array.from(split.labels)).toEqual([5, 4]);
    expect(Array.from(pixelsToUnit(Uint8Array.from([0])))).toEqual([0]);
  });
});
