import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { liveTensorCount } from './live-tensors';

describe('liveTensorCount', () => {
  it('counts a tensor while it lives and not after it is disposed', async () => {
    tf.env().set('IS_TEST', true); // quiets the cpu backend's hint to install tfjs-node
    const before = await liveTensorCount();
    const tensor = tf.tensor1d([1, 2, 3]);
    expect(await liveTensorCount()).toBe(before + 1);
    tensor.dispose();
    expect(await liveTensorCount()).toBe(before);
  });
});
