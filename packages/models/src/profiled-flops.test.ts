import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './tensor/index';
import { profiledMatmulFlops } from './profiled-flops';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('profiledMatmulFlops', () => {
  it('sums 2 m k n over the matmuls a function ran, whatever their transposes and batches', async () => {
    const flops = await profiledMatmulFlops(() =>
      tf.tidy(() => {
        // (2 x 3)(3 x 4): 2 * 2 * 3 * 4 = 48.
        tf.matMul(tf.ones([2, 3]), tf.ones([3, 4])).dataSync();
        // (5 x 3)^T (5 x 4) is 3 x 4 with k = 5: 2 * 3 * 5 * 4 = 120.
        tf.matMul(tf.ones([5, 3]), tf.ones([5, 4]), true, false).dataSync();
        // 6 batches of (2 x 7)(7 x 2)^T... with b transposed: 6 * 2 * 2 * 7 * 2 = 336.
        tf.matMul(tf.ones([6, 2, 7]), tf.ones([6, 2, 7]), false, true).dataSync();
        // Element-wise work is not counted.
        tf.add(tf.ones([100]), 1).dataSync();
      }),
    );
    expect(flops).toBe(48 + 120 + 336);
  });
});
