import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { shiftImage, shiftImagesRandomly } from './image-shift';

describe('shiftImage', () => {
  it('moves a 3x3 picture right by one and up by one, filling the uncovered border with 0', () => {
    // source      dx = +1, dy = -1: target(x, y) = source(x - 1, y + 1)
    // 1 2 3       0 4 5
    // 4 5 6   ->  0 7 8
    // 7 8 9       0 0 0
    const source = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const target = new Float32Array(9).fill(-1);
    shiftImage(source, target, 3, 1, -1);
    expect(Array.from(target)).toEqual([0, 4, 5, 0, 7, 8, 0, 0, 0]);
  });

  it('is the identity at (0, 0) and inverts itself while the ink stays inside', () => {
    const side = 8;
    const source = new Float32Array(side * side);
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) source[y * side + x] = (x + 3 * y) / 30;
    const same = new Float32Array(source.length);
    shiftImage(source, same, side, 0, 0);
    expect(same).toEqual(source);
    const moved = new Float32Array(source.length);
    const back = new Float32Array(source.length);
    shiftImage(source, moved, side, 2, -2);
    shiftImage(moved, back, side, -2, 2);
    expect(back).toEqual(source);
  });
});

describe('shiftImagesRandomly', () => {
  it('keeps every image\'s ink sum when the ink is at least maxShift from the border, and is reproducible', () => {
    const side = 10;
    const count = 50;
    const images = new Float32Array(count * side * side);
    for (let image = 0; image < count; image++) {
      for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) images[image * 100 + y * side + x] = ((image + x * y) % 7) / 7;
    }
    const sums = (values: Float32Array) => Array.from({ length: count }, (_, i) => values.subarray(i * 100, (i + 1) * 100).reduce((a, b) => a + b, 0));
    const first = images.slice();
    const second = images.slice();
    shiftImagesRandomly(first, count, side, 2, new Rng(4));
    shiftImagesRandomly(second, count, side, 2, new Rng(4));
    expect(second).toEqual(first);
    sums(first).forEach((sum, i) => expect(sum).toBeCloseTo(sums(images)[i], 4));
    const moved = Array.from({ length: count }, (_, i) => first.subarray(i * 100, (i + 1) * 100).some((v, p) => v !== images[i * 100 + p]));
    // 25 offsets, one of them (0, 0): about 48 of 50 images move.
    expect(moved.filter(Boolean).length).toBeGreaterThan(40);
  });

  it('leaves the images alone when maxShift is 0', () => {
    const images = Float32Array.from({ length: 32 }, (_, i) => i);
    shiftImagesRandomly(images, 2, 4, 0, new Rng(1));
    expect(Array.from(images)).toEqual(Array.from({ length: 32 }, (_, i) => i));
  });
});
