import type * as tf from '@tensorflow/tfjs-core';
import type { AdamStepConstants } from '../adam';
import { wasmBackend } from '../wasm-heap';

/**
 * Adam's update of one variable as a WebAssembly SIMD loop over the wasm backend's own heap: the
 * weights, the gradient and both moments are read and written where they lie, four float32 at a
 * time. The module is adam-update.wat, assembled with wat2wasm (wabt 1.0.39); it imports the
 * backend's memory, so it needs no copy in or out.
 *
 * Why by hand: the same update in JavaScript is a float64 loop at about 1.1 ms for the default
 * model's 256,770 parameters, a quarter of a training step on wasm-blas; as tensor operations it is
 * a dozen kernels per variable.
 */
const MODULE_BASE64 = 'AGFzbQEAAAABDgFgCn9/f39/fX19fX0AAg8BA2VudgZtZW1vcnkCAAEDAgEABwgBBGFkYW0AAArdAQHaAQIBfwp7IAX9EyELQwAAgD8gBZP9EyEMIAb9EyENQwAAgD8gBpP9EyEOIAf9EyEPIAj9EyEQIAn9EyERAkADQCAKIARPDQEgASAKav0ABAAhEiALIAIgCmr9AAQA/eYBIAwgEv3mAf3kASETIA0gAyAKav0ABAD95gEgDiASIBL95gH95gH95AEhFCACIApqIBP9CwQAIAMgCmogFP0LBAAgACAKaiAAIApq/QAEACAPIBP95gEgFP3jASAQ/eYBIBH95AH95wH95QH9CwQAIApBEGohCgwACwsL';

type AdamKernel = (p: number, g: number, m: number, v: number, bytes: number, beta1: number, beta2: number, step: number, inv: number, eps: number) => void;

/** The little of the WebAssembly API used here (this package's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { adam: AdamKernel } };
}
const { WebAssembly: webAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

/** A WebAssembly.Memory, opaque here. */
type Memory = object;

let instance: { memory: Memory; adam: AdamKernel } | null = null;

/** The kernel bound to `memory` (the wasm backend's heap), instantiated once per memory. */
function kernelFor(memory: Memory): AdamKernel {
  if (instance === null || instance.memory !== memory) {
    const module = new webAssembly.Module(Buffer.from(MODULE_BASE64, 'base64'));
    instance = { memory, adam: new webAssembly.Instance(module, { env: { memory } }).exports.adam };
  }
  return instance.adam;
}

/**
 * p <- p - stepSize m / (sqrt(v) / secondCorrectionRoot + epsilon) after both moments' update, in
 * place on the wasm backend, for float32 tensors of one size that share their memory with no other
 * tensor (the caller checks).
 */
export function adamUpdateOnWasmHeap(
  variable: tf.Tensor,
  gradient: tf.Tensor,
  first: tf.Tensor,
  second: tf.Tensor,
  { beta1, beta2, epsilon, stepSize, secondCorrectionRoot }: AdamStepConstants,
): void {
  const backend = wasmBackend()!;
  const offset = (t: tf.Tensor) => backend.dataIdMap.get(t.dataId).memoryOffset;
  const [p, g, m, v] = [variable, gradient, first, second].map(offset);
  const size = variable.size;
  const vectorised = size - (size % 4);
  kernelFor(backend.wasm.asm.memory)(p, g, m, v, vectorised * 4, beta1, beta2, stepSize, 1 / secondCorrectionRoot, epsilon);
  // The last (size mod 4) values, in float32 as the kernel computes them.
  const heap = backend.wasm.HEAPF32;
  const f = Math.fround;
  const [b1, b2, s, c, e] = [beta1, beta2, stepSize, 1 / secondCorrectionRoot, epsilon].map(f);
  const [a1, a2] = [f(1 - b1), f(1 - b2)];
  for (let k = vectorised; k < size; k++) {
    const [pk, gk, mk, vk] = [p, g, m, v].map((base) => base / 4 + k);
    const gradient = heap[gk];
    heap[mk] = f(f(b1 * heap[mk]) + f(a1 * gradient));
    heap[vk] = f(f(b2 * heap[vk]) + f(a2 * f(gradient * gradient)));
    heap[pk] = f(heap[pk] - f(f(s * heap[mk]) / f(f(f(Math.sqrt(heap[vk])) * c) + e)));
  }
}
