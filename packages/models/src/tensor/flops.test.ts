import { describe, expect, it } from 'vitest';
import {
  addFlops,
  batchMatmulFlops,
  denseFlops,
  matmulFlops,
  pairwiseSigmoidLossFlops,
  scaleFlops,
  SIGMOID_LOSS_OPS_PER_PAIR,
  totalFlops,
  trainingFlops,
  withGradients,
  addPasses,
} from './flops';

describe('FLOP counting', () => {
  it('counts a multiply-add as two FLOPs', () => {
    // (2 x 3) times (3 x 4): 8 outputs, each 3 multiplies and 3 adds = 48.
    expect(matmulFlops(2, 3, 4)).toBe(48);
    expect(batchMatmulFlops(5, 2, 3, 4)).toBe(240);
  });

  it('adds the bias and activation of a dense layer to the element-wise part', () => {
    // 10 rows, 784 -> 256 with ReLU: 2 * 10 * 784 * 256 in the matmul; bias + ReLU on 2,560 outputs.
    expect(denseFlops(10, 784, 256, 1)).toEqual({ matmul: 4_014_080, elementwise: 5_120 });
  });

  it('counts the pairwise loss as one similarity matmul plus a fixed cost per pair', () => {
    const count = pairwiseSigmoidLossFlops(640, 640, 64);
    expect(count.matmul).toBe(2 * 640 * 640 * 64);
    expect(count.elementwise).toBe(640 * 640 * SIGMOID_LOSS_OPS_PER_PAIR);
  });

  it('adds and scales counts', () => {
    const sum = addFlops({ matmul: 1, elementwise: 2 }, { matmul: 10, elementwise: 20 });
    expect(sum).toEqual({ matmul: 11, elementwise: 22 });
    expect(totalFlops(scaleFlops(sum, 3))).toBe(99);
  });

  it('charges a backward pass one product per operand that needs a gradient, and element-wise work where a gradient flows', () => {
    // A first layer on data: 10 x 784 -> 256 with ReLU; only the kernel's gradient is computed.
    const first = withGradients(denseFlops(10, 784, 256, 1), 1);
    expect(first.backward).toEqual({ matmul: 4_014_080, elementwise: 5_120 });
    // A layer whose input comes from weights: both gradients.
    const second = withGradients(denseFlops(10, 256, 64), 2);
    expect(second.backward.matmul).toBe(2 * 2 * 10 * 256 * 64);
    // Pooling the images: no gradient at all.
    expect(withGradients({ matmul: 0, elementwise: 7_840 }, 0, false).backward).toEqual({ matmul: 0, elementwise: 0 });
    expect(trainingFlops(addPasses(first, second))).toEqual({ matmul: 2 * 4_014_080 + 3 * 327_680, elementwise: 2 * 5_120 + 2 * 640 });
  });
});
