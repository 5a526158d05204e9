import * as tf from '@tensorflow/tfjs-core';

/** Each row divided by its L2 norm (the epsilon only guards an all-zero row). */
export function l2Normalise(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-12)));
}
