import * as tf from '@tensorflow/tfjs-core';

/** What is read of tfjs-backend-wasm's backend: a tensor's memory on its heap, and how many tensors share it. */
interface WasmBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  refCount(dataId: tf.DataId): number;
}

function wasmBackend(): WasmBackend | null {
  return tf.getBackend() === 'wasm' ? (tf.backend() as unknown as WasmBackend) : null;
}

/**
 * A float32 tensor's values as a view of the wasm heap, without a copy, or null on another backend.
 * The view is valid until the next allocation on the heap (which may grow and move it): use it at once.
 */
export function wasmHeapView(tensor: tf.Tensor): Float32Array | null {
  const backend = wasmBackend();
  return backend && tensor.dtype === 'float32' ? backend.typedArrayFromHeap(tensor) : null;
}

/** How many tensors share `tensor`'s memory on the wasm heap (0 on another backend). */
export function wasmRefCount(tensor: tf.Tensor): number {
  return wasmBackend()?.refCount(tensor.dataId) ?? 0;
}
