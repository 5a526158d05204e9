import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { measureMatmulGflops } from './matmul-speed';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('measureMatmulGflops', () => {
  it('returns a finite speed and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const gflops = await measureMatmulGflops(256, 2);
    console.log(`wasm 256x256 matmul: ${gflops.toFixed(1)} GFLOP/s`);
    expect(Number.isFinite(gflops)).toBe(true);
    expect(gflops).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
