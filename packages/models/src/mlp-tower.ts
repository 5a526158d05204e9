import * as tf from '@tensorflow/tfjs-core';
import { UserInputError, type Resolution } from '@sieve/core';
import { addPasses, denseFlops, matMul2d, matmulFlops, NO_PASS_FLOPS, withGradients, type PassFlops } from './tensor/index';
import { constant, heUniform } from './initializers';
import type { ImageTower, PreparedImageTower } from './image-tower';
import type { Parameters } from './parameters';
import { mlpCoarseKernelMatrix1d } from './pi-resize';
import { toFloat32 } from './matrix';

/**
 * Image (side x side x channels, interleaved) -> hiddenDim with ReLU. Its first layer is one patch embedding covering
 * the whole image, so a coarse mode can reuse it: the image is 2x2-average-pooled and the layer
 * uses the resized kernel of `mlpCoarseKernelMatrix1d` (exact for upsampled coarse images).
 */
export function createMlpTower(parameters: Parameters, side: number, hiddenDim: number, prefix = 'image', channels = 1): ImageTower {
  const pixels = side * side * channels;
  const kernel = parameters.add(`${prefix}.hidden.kernel`, [pixels, hiddenDim], (rng) => heUniform(rng, pixels, hiddenDim));
  const bias = parameters.add(`${prefix}.hidden.bias`, [hiddenDim], () => constant(hiddenDim, 0));
  const half = side / 2;
  // M1 (side x half), kept out of every tidy scope until the tower is disposed. Made now rather than at
  // the first coarse call: the engine counts a tensor that first appears in a later step's selection
  // as a selector's leak.
  let coarseResize: tf.Tensor2D | null = side % 2 === 0 ? tf.keep(tf.tensor2d(toFloat32(mlpCoarseKernelMatrix1d(side)), [side, half])) : null;

  /**
   * W_c[r', c'] = sum over r, c of M1[r, r'] M1[c, c'] W[r, c], as two products with the constant
   * M1 on the right (never a reshape of W there: see matMul2d on the wasm backend's weight cache).
   * With several channels each channel's kernel is resized alike: W's rows are (r, c, channel), so
   * (channel, hidden) together play the part of the hidden unit.
   */
  const units = channels * hiddenDim;
  const coarseKernel = (): tf.Tensor2D => {
    if (side % 2 !== 0) {
      throw new UserInputError(
        'model.imageTower',
        `the MLP's coarse mode halves the image, but its side ${side} is odd; score at fine resolution or use flexivit.`,
      );
    }
    if (!coarseResize) throw new Error('the MLP tower was used after dispose');
    const byRow = tf.reshape(tf.transpose(tf.reshape(kernel, [side, side, units]), [2, 0, 1]), [units * side, side]);
    const columnsResized = matMul2d(byRow as tf.Tensor2D, coarseResize, 'a'); // (u, r) x c'
    const byColumn = tf.reshape(tf.transpose(tf.reshape(columnsResized, [units, side, half]), [0, 2, 1]), [units * half, side]);
    const bothResized = matMul2d(byColumn as tf.Tensor2D, coarseResize, 'a'); // (u, c') x r'
    return tf.reshape(tf.transpose(tf.reshape(bothResized, [units, half, half]), [2, 1, 0]), [half * half * channels, hiddenDim]) as tf.Tensor2D;
  };

  return {
    featureDim: hiddenDim,
    prepare(resolution: Resolution): PreparedImageTower {
      if (resolution === 'fine') {
        return { apply: (images) => tf.relu(tf.add(matMul2d(images, kernel as tf.Tensor2D, 'b'), bias)) as tf.Tensor2D };
      }
      const resized = coarseKernel();
      return {
        apply: (images) => {
          const count = images.shape[0];
          const pooled = tf.avgPool(tf.reshape(images, [count, side, side, channels]) as tf.Tensor4D, 2, 2, 'valid');
          return tf.relu(tf.add(matMul2d(tf.reshape(pooled, [count, half * half * channels]), resized, 'b'), bias)) as tf.Tensor2D;
        },
      };
    },
    flops(count: number, resolution: Resolution): PassFlops {
      if (count === 0) return NO_PASS_FLOPS;
      // The input is the images: only the kernel's gradient is computed.
      if (resolution === 'fine') return withGradients(denseFlops(count, pixels, hiddenDim, 1), 1);
      // The kernel times the constant M1, twice: a gradient for the kernel's side only.
      const resize = withGradients({ matmul: matmulFlops(units * side, side, half) + matmulFlops(units * half, side, half), elementwise: 0 }, 1);
      const pooling = withGradients({ matmul: 0, elementwise: count * pixels }, 0, false);
      return addPasses(resize, pooling, withGradients(denseFlops(count, half * half * channels, hiddenDim, 1), 1));
    },
    dispose() {
      coarseResize?.dispose();
      coarseResize = null;
    },
  };
}
