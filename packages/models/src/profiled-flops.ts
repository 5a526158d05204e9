import * as tf from '@tensorflow/tfjs-core';

const MATMUL_KERNELS = new Set(['BatchMatMul', '_FusedMatMul', 'MatMul']);

/**
 * Matmul FLOPs that the backend actually ran during `run`, from `tf.profile`'s kernel list:
 * 2 * m * k * n per product (times the batch). The kernel list carries shapes but not the
 * transpose flags, so k is read as (product of A's last two dimensions) / m.
 */
export async function profiledMatmulFlops(run: () => unknown): Promise<number> {
  const info = await tf.profile(async () => {
    await run();
    return [];
  });
  let flops = 0;
  for (const kernel of info.kernels) {
    if (!MATMUL_KERNELS.has(kernel.name)) continue;
    const a = kernel.inputShapes[0];
    const output = kernel.outputShapes[0] as number[];
    const m = output[output.length - 2];
    const k = (a[a.length - 1] * a[a.length - 2]) / m;
    flops += 2 * output.reduce((x, y) => x * y, 1) * k;
  }
  return flops;
}
