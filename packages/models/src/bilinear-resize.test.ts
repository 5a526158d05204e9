import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { initBackend } from './tensor/index';
import { bilinearResizeMatrix1d, bilinearResizeMatrix2d } from './bilinear-resize';
import { multiply, matrix } from './matrix';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('bilinear resize matrices', () => {
  it('upsamples 2 -> 4 with half-pixel centres as worked out by hand', () => {
    // Output j samples the input at (j + 0.5) / 2 - 0.5, clamped at the edges:
    // j=0: -0.25 -> 0 -> (1, 0); j=1: 0.25 -> (0.75, 0.25); j=2: 0.75 -> (0.25, 0.75); j=3: 1.25 -> clamped (0, 1).
    expect(Array.from(bilinearResizeMatrix1d(2, 4).values)).toEqual([1, 0, 0.75, 0.25, 0.25, 0.75, 0, 1]);
    // Downsampling 4 -> 2 samples at 0.5 and 2.5: the mean of each pair.
    expect(Array.from(bilinearResizeMatrix1d(4, 2).values)).toEqual([0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5]);
  });

  it('matches tf.image.resizeBilinear (half-pixel centres) on random images', () => {
    const rng = new Rng(5);
    for (const [from, to] of [
      [7, 14],
      [14, 28],
      [4, 2],
      [4, 7],
    ]) {
      const image = Array.from({ length: from * from }, () => rng.nextFloat());
      const expected = tf.tidy(() =>
        tf.image.resizeBilinear(tf.tensor4d(image, [1, from, from, 1]), [to, to], false, true).dataSync(),
      );
      const actual = multiply(bilinearResizeMatrix2d(from, to), matrix(from * from, 1, image)).values;
      actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
    }
  });

  it('preserves constants: every row sums to 1', () => {
    const resize = bilinearResizeMatrix1d(5, 13);
    for (let row = 0; row < 13; row++) {
      const sum = resize.values.subarray(row * 5, row * 5 + 5).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 12);
    }
  });
});
