import * as tf from '@tensorflow/tfjs-core';
import type { Adam } from '@sieve/tensor';

/** One optimizer step on `loss` (built fresh inside); returns the loss before the update. No tensors outlive it. */
export function minimiseOnce(adam: Adam, variables: tf.Variable[], loss: () => tf.Scalar, learningRate: number): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, variables);
    const lossValue = value.dataSync()[0];
    adam.applyGradients(grads, learningRate);
    return lossValue;
  });
}

/** Checks a batch's arrays hold `count` rows; mistakes here are the caller's, not the user's. */
export function assertRows(name: string, values: ArrayLike<number>, count: number, rowLength: number): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  if (values.length < count * rowLength) {
    throw new RangeError(`${name}: need ${count} x ${rowLength} values, got ${values.length}`);
  }
}
