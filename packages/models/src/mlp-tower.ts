import * as tf from '@tensorflow/tfjs-core';
import { UserInputError, type Resolution } from '@sieve/core';
import { addFlops, denseFlops, matmulFlops, NO_FLOPS, type FlopCount } from '@sieve/tensor';
import { constant, heUniform } from './initializers';
import type { ImageTower, PreparedImageTower } from './image-tower';
import type { Parameters } from './parameters';
import { mlpCoarseKernelMatrix1d } from './pi-resize';
import { toFloat32, transpose } from './matrix';

/**
 * Image (side x side) -> hiddenDim with ReLU. Its first layer is one patch embedding covering
 * the whole image, so a coarse mode can reuse it: the image is 2x2-average-pooled and the layer
 * uses the resized kernel of `mlpCoarseKernelMatrix1d` (exact for upsampled coarse images).
 */
export function createMlpTower(parameters: Parameters, side: number, hiddenDim: number, prefix = 'image'): ImageTower {
  const pixels = side * side;
  const kernel = parameters.add(`${prefix}.hidden.kernel`, [pixels, hiddenDim], (rng) => heUniform(rng, pixels, hiddenDim));
  const bias = parameters.add(`${prefix}.hidden.bias`, [hiddenDim], () => constant(hiddenDim, 0));
  const half = side / 2;
  // M1^T (half x side), kept out of every tidy scope until the tower is disposed.
  let coarseResizeT: tf.Tensor2D | null = null;

  const coarseKernel = (): tf.Tensor2D => {
    if (side % 2 !== 0) {
      throw new UserInputError('model.imageTower', `the MLP's coarse mode halves the image, but its side ${side} is odd; score at fine resolution or use flexivit.`);
    }
    coarseResizeT ??= tf.keep(tf.tensor2d(toFloat32(transpose(mlpCoarseKernelMatrix1d(side))), [half, side]));
    // W_c[r', c'] = sum over r, c of M1[r, r'] M1[c, c'] W[r, c]: contract rows, then columns.
    const rowsResized = tf.matMul(coarseResizeT, tf.reshape(kernel, [side, side * hiddenDim]));
    const columnsFirst = tf.reshape(tf.transpose(tf.reshape(rowsResized, [half, side, hiddenDim]), [1, 0, 2]), [side, half * hiddenDim]);
    const bothResized = tf.matMul(coarseResizeT, columnsFirst);
    return tf.reshape(tf.transpose(tf.reshape(bothResized, [half, half, hiddenDim]), [1, 0, 2]), [half * half, hiddenDim]) as tf.Tensor2D;
  };

  return {
    featureDim: hiddenDim,
    prepare(resolution: Resolution): PreparedImageTower {
      if (resolution === 'fine') {
        return { apply: (images) => tf.relu(tf.add(tf.matMul(images, kernel), bias)) as tf.Tensor2D };
      }
      const resized = coarseKernel();
      return {
        apply: (images) => {
          const count = images.shape[0];
          const pooled = tf.avgPool(tf.reshape(images, [count, side, side, 1]) as tf.Tensor4D, 2, 2, 'valid');
          return tf.relu(tf.add(tf.matMul(tf.reshape(pooled, [count, half * half]), resized), bias)) as tf.Tensor2D;
        },
      };
    },
    flops(count: number, resolution: Resolution): FlopCount {
      if (count === 0) return NO_FLOPS;
      if (resolution === 'fine') return denseFlops(count, pixels, hiddenDim, 1);
      const resize = { matmul: matmulFlops(half, side, side * hiddenDim) + matmulFlops(half, side, half * hiddenDim), elementwise: 0 };
      const pooling = { matmul: 0, elementwise: count * pixels };
      return addFlops(resize, pooling, denseFlops(count, half * half, hiddenDim, 1));
    },
    dispose() {
      coarseResizeT?.dispose();
      coarseResizeT = null;
    },
  };
}
