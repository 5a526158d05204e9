import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import type { UserInputError } from '@sieve/core';
import { initBackend } from './backend';

// One file, one process: these tests run in order and share tfjs's global backend state.
// This file's machine has no OpenBLAS (blas-matmul-kernel.test.ts tests the machines that do).
process.env.SIEVE_OPENBLAS = '/nonexistent/libopenblas.so.0';

describe('initBackend', () => {
  it('auto picks wasm here and says why each better backend was skipped', async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm');
    expect(info.requested).toBe('auto');
    expect(info.onGpu).toBe(false);
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm-blas']);
    expect(info.skipped[3].reason).toMatch(/no OpenBLAS library was found \(on Debian or Ubuntu: apt-get install libopenblas0-pthread;.*Tried \/nonexistent\/libopenblas\.so\.0: /);
    expect(info.skipped[0].reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    expect(info.skipped[1].reason).toMatch(/webgpu is not installed \(optional: `npm install webgpu @tensorflow\/tfjs-backend-webgpu`\)/);
    expect(info.skipped[2].reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
    expect(tf.getBackend()).toBe('wasm');
    // The backend computes: (1 2; 3 4)(1; 1) = (3; 7).
    const product = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 1], [2, 1]));
    expect(Array.from(product.dataSync())).toEqual([3, 7]);
  });

  it('is idempotent for the same request', async () => {
    const first = await initBackend('auto');
    const second = await initBackend('auto');
    expect(second).toEqual(first);
  });

  it('throws a UserInputError naming the valid backends when a forced one cannot load', async () => {
    const error = await initBackend('tensorflow').catch((e: unknown) => e);
    expect(isUserInputError(error)).toBe(true);
    const userError = error as UserInputError;
    expect(userError.field).toBe('--backend');
    expect(userError.problem).toMatch(/@tensorflow\/tfjs-node is not installed/);
    expect(userError.problem).toMatch(/auto, tensorflow-gpu, webgpu, tensorflow, wasm-blas, wasm, cpu/);
    // The failed attempt left the working backend in place.
    expect(tf.getBackend()).toBe('wasm');
  });

  it('refuses a forced webgpu that is not installed, naming both packages, and keeps the working backend', async () => {
    const error = await initBackend('webgpu').catch((e: unknown) => e);
    expect(isUserInputError(error)).toBe(true);
    expect((error as UserInputError).problem).toMatch(/"webgpu" cannot be used: webgpu is not installed \(optional: `npm install webgpu @tensorflow\/tfjs-backend-webgpu`\)/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects a name that is not a backend', async () => {
    const error = await initBackend('metal' as never).catch((e: unknown) => e);
    expect(isUserInputError(error)).toBe(true);
  });

  it('switches to the pure-JS cpu backend on request and back to wasm', async () => {
    const cpu = await initBackend('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', requested: 'cpu', skipped: [], onGpu: false });
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]).toBe(6);
    const wasm = await initBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});
