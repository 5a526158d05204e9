import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/**
 * The number of live TensorFlow.js tensors in this process (cpu backend), to check that a
 * selector leaves none behind: compare it before and after a selection.
 */
export async function liveTensorCount(): Promise<number> {
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
  return tf.memory().numTensors;
}
