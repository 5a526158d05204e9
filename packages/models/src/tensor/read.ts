import * as tf from '@tensorflow/tfjs-core';

/**
 * Computes a tensor in its own tidy scope, reads it back and frees it. The read is asynchronous
 * because a GPU backend can only read that way in Node (tfjs's webgpu backend reads synchronously
 * through a canvas, which Node lacks); on wasm it costs one microtask.
 */
export async function readTidy(compute: () => tf.Tensor): Promise<Float32Array | Int32Array | Uint8Array> {
  const tensor = tf.tidy(compute);
  try {
    return (await tensor.data()) as Float32Array | Int32Array | Uint8Array;
  } finally {
    tensor.dispose();
  }
}

/** Whether `backendName`'s tensors live in this process's memory (wasm, wasm-blas, cpu), where reading them back costs nothing. */
export function computesInProcess(backendName: string = tf.getBackend()): boolean {
  return backendName === 'wasm' || backendName === 'cpu';
}

/** The one number of a scalar tensor (or the first of any tensor), read asynchronously. */
export async function readScalar(tensor: tf.Tensor): Promise<number> {
  return (await tensor.data())[0] as number;
}
