import * as tf from '@tensorflow/tfjs-core';
import { matmulFlops } from './flops';

/**
 * GFLOP/s of a size x size matmul on the current backend, best of `repeats` after one
 * warm-up run, each timed to its (asynchronous) read. Used to tell a real GPU from a CPU and to print benchmark figures.
 */
export async function measureMatmulGflops(size: number, repeats: number): Promise<number> {
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 1);
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 2);
  try {
    let best = Infinity;
    for (let run = 0; run <= repeats; run++) {
      const started = performance.now();
      const product = tf.matMul(a, b);
      await product.data();
      product.dispose();
      const milliseconds = performance.now() - started;
      if (run > 0) best = Math.min(best, milliseconds);
    }
    return matmulFlops(size, size, size) / (Math.max(best, 1e-3) * 1e6);
  } finally {
    a.dispose();
    b.dispose();
  }
}
