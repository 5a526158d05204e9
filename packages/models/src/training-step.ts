import * as tf from '@tensorflow/tfjs-core';
import type { Adam } from './tensor/index';

/**
 * One optimizer step on `loss` (built fresh inside); returns the loss before the update. No tensors
 * outlive it. The loss is read asynchronously, after the update is queued, so that a GPU backend
 * runs the update while the value comes back.
 */
export async function minimiseOnce(adam: Adam, variables: tf.Variable[], loss: () => tf.Scalar, learningRate: number): Promise<number> {
  const { value, grads } = tf.variableGrads(loss, variables);
  try {
    const lossRead = value.data();
    await adam.applyGradients(grads, learningRate);
    return (await lossRead)[0];
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}

/** Checks a batch's arrays hold `count` rows; mistakes here are the caller's, not the user's. */
export function assertRows(name: string, values: ArrayLike<number>, count: number, rowLength: number): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  if (values.length < count * rowLength) {
    throw new RangeError(`${name}: need ${count} x ${rowLength} values, got ${values.length}`);
  }
}
