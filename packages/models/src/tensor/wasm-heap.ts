import * as tf from '@tensorflow/tfjs-core';

/**
 * What is used of tfjs-backend-wasm's backend: its heap (the WebAssembly memory and a float view of
 * it), where each tensor's values lie on it, how many tensors share them, and its output allocator.
 */
export interface WasmBackend {
  wasm: { asm: { memory: object }; HEAPF32: Float32Array };
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  refCount(dataId: tf.DataId): number;
}

/** The active backend when it is wasm (wasm-blas included), else null. */
export function wasmBackend(): WasmBackend | null {
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
