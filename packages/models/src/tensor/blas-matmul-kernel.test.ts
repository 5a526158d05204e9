import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { initBackend } from './backend';
import { loadBlas } from './blas';
import { wasmMatmulsOnBlas } from './blas-matmul-kernel';
import { matMul2d } from './fast-matmul';

const blas = loadBlas();
const missing = 'reason' in blas ? blas.reason : null;

function random(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape);
}

/** Products of every kind the models run: plain, each operand transposed, batched, one batch against many. */
const CASES: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
  { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
  { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { a: [4, 2, 6], b: [4, 6, 3], transposeA: false, transposeB: false },
  { a: [4, 2, 6], b: [4, 3, 6], transposeA: false, transposeB: true },
  { a: [1, 2, 6], b: [4, 6, 3], transposeA: false, transposeB: false },
  { a: [128, 784], b: [784, 256], transposeA: false, transposeB: false },
];

/** The products of CASES on the active backend, read back. */
async function products(): Promise<Float32Array[]> {
  const rng = new Rng(7);
  const results: Float32Array[] = [];
  for (const { a, b, transposeA, transposeB } of CASES) {
    const values = tf.tidy(() => tf.matMul(random(rng, a), random(rng, b), transposeA, transposeB));
    results.push((await values.data()) as Float32Array);
    values.dispose();
  }
  return results;
}

describe.skipIf(missing !== null)(`matrix products on OpenBLAS (wasm-blas)${missing ? `: skipped, ${missing}` : ''}`, () => {
  it('computes what the reference cpu backend computes, for plain, transposed and batched products', async () => {
    await initBackend('cpu');
    const expected = await products();
    await initBackend('wasm-blas');
    expect(wasmMatmulsOnBlas()).toBe(true);
    const before = tf.memory().numTensors;
    const actual = await products();
    expect(tf.memory().numTensors).toBe(before);
    CASES.forEach((c, i) => {
      expect(actual[i].length, JSON.stringify(c)).toBe(expected[i].length);
      let worst = 0;
      for (let j = 0; j < expected[i].length; j++) worst = Math.max(worst, Math.abs(actual[i][j] - expected[i][j]) / Math.max(1, Math.abs(expected[i][j])));
      // float32 sums of up to 784 products of unit normals: rounding differs with the order of the sum.
      expect(worst, JSON.stringify(c)).toBeLessThan(1e-4);
    });
  });

  it('gives the gradients of a product, through matMul2d, without transposing anything', async () => {
    await initBackend('wasm-blas');
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
    // f = sum(a b): df/da = 1 b^T (each row the row sums of b), df/db = a^T 1 (each row the column sums of a).
    const va = tf.variable(a, true);
    const vb = tf.variable(b, true);
    const info = await tf.profile(async () => {
      const result = tf.variableGrads(() => tf.sum(matMul2d(va, vb)) as tf.Scalar, [va, vb]);
      expect(Array.from(await result.grads[va.name].data())).toEqual([1, 1, 2, 1, 1, 2]);
      expect(Array.from(await result.grads[vb.name].data())).toEqual([5, 5, 7, 7, 9, 9]);
      tf.dispose([result.value, ...Object.values(result.grads)]);
      return [];
    });
    expect(info.kernels.map((k) => k.name)).not.toContain('Transpose');
    tf.dispose([a, b, va, vb]);
  });

  it('is what auto picks where no GPU or TensorFlow backend loads, naming the library and its threads', async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm-blas');
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
    expect(info.device).toMatch(/^lib\S*openblas\S*: OpenBLAS .*; \d+ threads$/);
  });

  it('goes back to XNNPACK when the wasm backend is asked for', async () => {
    await initBackend('wasm-blas');
    expect(wasmMatmulsOnBlas()).toBe(true);
    await initBackend('wasm');
    expect(wasmMatmulsOnBlas()).toBe(false);
    const values = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 1], [2, 1])));
    expect(Array.from(await values.data())).toEqual([3, 7]);
    values.dispose();
  });
});

describe('the wasm-blas backend without OpenBLAS', () => {
  it.skipIf(missing === null)('is refused with what to install', async () => {
    await expect(initBackend('wasm-blas')).rejects.toThrow(/apt-get install libopenblas0-pthread/);
  });
});
