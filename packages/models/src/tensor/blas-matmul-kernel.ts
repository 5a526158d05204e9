import * as tf from '@tensorflow/tfjs-core';
import type { Blas } from './blas';
import type { WasmBackend } from './wasm-heap';

let original: tf.KernelConfig | null = null;
let active: Blas | null = null;

/**
 * Sends the wasm backend's matrix products (`BatchMatMul`, which every tf.matMul and its gradients
 * run) to `blas` instead of XNNPACK, or back to XNNPACK with null. The product reads its operands
 * where they lie on the wasm heap and writes its result there, with the transposes done by the
 * library: no copy and no transpose pass. Call once the wasm backend has started (its own kernel's
 * setup has run then, and the kernel stays as the fallback).
 */
export function routeWasmMatmulsTo(blas: Blas | null): void {
  if (!original) {
    original = tf.getKernel('BatchMatMul', 'wasm');
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({ kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: batchMatMul });
  }
  active = blas;
}

/** True while the wasm backend's products run on a BLAS library: transposed operands then cost nothing. */
export function wasmMatmulsOnBlas(): boolean {
  return active !== null && tf.getBackend() === 'wasm';
}

/** The BLAS library the wasm backend's products run on, or null where they do not. */
export function wasmMatmulBlas(): Blas | null {
  return wasmMatmulsOnBlas() ? active : null;
}

function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA: boolean; transposeB: boolean };
  const blas = active;
  const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  // Batches that broadcast other than one against many, and other dtypes, stay with XNNPACK.
  const simpleBatches = a.shape.length === b.shape.length && (batchA === batchB || batchA === 1 || batchB === 1);
  if (!blas || !simpleBatches || a.dtype !== 'float32' || b.dtype !== 'float32') return original!.kernelFunc(args as never) as tf.TensorInfo;

  const rankA = a.shape.length;
  const rankB = b.shape.length;
  const m = transposeA ? a.shape[rankA - 1] : a.shape[rankA - 2];
  const k = transposeA ? a.shape[rankA - 2] : a.shape[rankA - 1];
  const kB = transposeB ? b.shape[rankB - 1] : b.shape[rankB - 2];
  const n = transposeB ? b.shape[rankB - 2] : b.shape[rankB - 1];
  if (k !== kB) {
    throw new Error(`Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const batch = Math.max(batchA, batchB);
  const outerShape = (batchA >= batchB ? a : b).shape.slice(0, -2);
  const backend = args.backend as WasmBackend;
  const out = backend.makeOutput([...outerShape, m, n], 'float32');
  // Views taken after the output's allocation, which may grow (and so move) the heap.
  const aValues = backend.typedArrayFromHeap(a);
  const bValues = backend.typedArrayFromHeap(b);
  const outValues = backend.typedArrayFromHeap(out);
  if (m === 0 || n === 0) return out;
  if (k === 0) {
    outValues.fill(0);
    return out;
  }
  for (let i = 0; i < batch; i++) {
    const ia = batchA === 1 ? 0 : i;
    const ib = batchB === 1 ? 0 : i;
    blas.sgemm(
      transposeA,
      transposeB,
      m,
      n,
      k,
      aValues.subarray(ia * m * k, (ia + 1) * m * k),
      bValues.subarray(ib * k * n, (ib + 1) * k * n),
      outValues.subarray(i * m * n, (i + 1) * m * n),
    );
  }
  return out;
}
