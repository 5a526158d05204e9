import * as tf from '@tensorflow/tfjs-core';
import type { Resolution } from '@sieve/core';
import {
  addPasses,
  batchMatmulFlops,
  denseFlops,
  layerNormFlops,
  matMul2d,
  matmulFlops,
  NO_PASS_FLOPS,
  scalePasses,
  softmaxFlops,
  withGradients,
  type PassFlops,
} from './tensor/index';
import { bilinearResizeMatrix2d } from './bilinear-resize';
import { constant, glorotUniform, normal } from './initializers';
import type { ImageTower, PreparedImageTower } from './image-tower';
import type { Parameters } from './parameters';
import { piResizeMatrix2d } from './pi-resize';
import { toFloat32 } from './matrix';

export interface FlexiVitShape {
  side: number;
  /** The patch size the patch-embedding kernel and position embeddings are stored at. */
  patchSize: number;
  coarsePatchSize: number;
  dim: number;
  depth: number;
  heads: number;
  /** Values per pixel, interleaved (1 when unset). */
  channels?: number;
}

const MLP_RATIO = 4;
const LAYER_NORM_EPSILON = 1e-6;
/** x * sigmoid(1.702 x): multiply, sigmoid (exp, add, divide), multiply. */
const GELU_OPS = 5;

/**
 * A tiny FlexiViT (Beyer et al. 2023) built from dense ops only (the wasm backend has no
 * Conv2D filter gradient): patchify by reshape/transpose, linear patch embedding, learned
 * position embedding, pre-LN transformer blocks, final LayerNorm, mean pool.
 * One set of weights runs at any patch size that divides the side: the kernel is PI-resized and
 * the position embedding bilinearly resized from the stored patch size.
 */
export function createFlexiVitTower(parameters: Parameters, shape: FlexiVitShape, prefix = 'image'): FlexiVitTower {
  const { side, patchSize, dim, depth, heads } = shape;
  const channels = shape.channels ?? 1;
  const patchPixels = patchSize * patchSize;
  const patchValues = patchPixels * channels;
  const baseGrid = side / patchSize;
  const baseTokens = baseGrid * baseGrid;
  const p = (name: string) => `${prefix}.${name}`;
  const patchKernel = parameters.add(p('patch.kernel'), [patchValues, dim], (rng) => glorotUniform(rng, patchValues, dim));
  const patchBias = parameters.add(p('patch.bias'), [dim], () => constant(dim, 0));
  const position = parameters.add(p('position'), [baseTokens, dim], (rng) => normal(rng, baseTokens * dim, 0.02));
  const dense = (name: string, inputs: number, outputs: number) => ({
    kernel: parameters.add(p(`${name}.kernel`), [inputs, outputs], (rng) => glorotUniform(rng, inputs, outputs)),
    bias: parameters.add(p(`${name}.bias`), [outputs], () => constant(outputs, 0)),
  });
  const layerNorm = (name: string) => ({
    gamma: parameters.add(p(`${name}.gamma`), [dim], () => constant(dim, 1)),
    beta: parameters.add(p(`${name}.beta`), [dim], () => constant(dim, 0)),
  });
  const blocks = Array.from({ length: depth }, (_, i) => ({
    norm1: layerNorm(`block${i}.norm1`),
    query: dense(`block${i}.attention.query`, dim, dim),
    key: dense(`block${i}.attention.key`, dim, dim),
    value: dense(`block${i}.attention.value`, dim, dim),
    output: dense(`block${i}.attention.output`, dim, dim),
    norm2: layerNorm(`block${i}.norm2`),
    fc1: dense(`block${i}.mlp.fc1`, dim, MLP_RATIO * dim),
    fc2: dense(`block${i}.mlp.fc2`, MLP_RATIO * dim, dim),
  }));
  const finalNorm = layerNorm('norm');

  // Constant resize matrices per patch size, kept out of every tidy scope until dispose.
  const resizeConstants = new Map<number, { kernel: tf.Tensor2D; kernelTransposed: tf.Tensor2D; position: tf.Tensor2D }>();
  const resizeFor = (patch: number) => {
    let constants = resizeConstants.get(patch);
    if (!constants) {
      const grid = side / patch;
      const kernel = tf.keep(tf.tensor2d(toFloat32(piResizeMatrix2d(patchSize, patch)), [patch * patch, patchPixels]));
      constants = {
        kernel,
        kernelTransposed: tf.keep(tf.transpose(kernel)),
        position: tf.keep(tf.tensor2d(toFloat32(bilinearResizeMatrix2d(baseGrid, grid)), [grid * grid, baseTokens])),
      };
      resizeConstants.set(patch, constants);
    }
    return constants;
  };

  // Made now rather than at the first coarse call: the engine counts a tensor that first appears in a
  // later step's selection as a selector's leak.
  if (shape.coarsePatchSize !== patchSize) resizeFor(shape.coarsePatchSize);

  const patchSizeOf = (resolution: Resolution) => (resolution === 'fine' ? patchSize : shape.coarsePatchSize);

  /**
   * The patch kernel resized to `patch`. Its rows are (pixel, channel), so each channel is resized
   * alike: with several channels the kernel goes through as the left factor, transposed to
   * (channel, unit) x pixel, since a reshape of it may not be the right factor of a product (see
   * matMul2d on the wasm backend's weight cache).
   */
  const resizedKernel = (patch: number): tf.Tensor2D => {
    if (channels === 1) return matMul2d(resizeFor(patch).kernel, patchKernel as tf.Tensor2D, 'b');
    const byUnit = tf.transpose(tf.reshape(patchKernel, [patchPixels, channels * dim])) as tf.Tensor2D;
    const resized = matMul2d(byUnit, resizeFor(patch).kernelTransposed, 'a'); // (channel, unit) x resized pixel
    return tf.reshape(tf.transpose(resized), [patch * patch * channels, dim]) as tf.Tensor2D;
  };

  /** The patch kernel and position embeddings at a patch size (resized unless it is the stored one). */
  const weightsAt = (patch: number): { kernel: tf.Tensor2D; positions: tf.Tensor2D } =>
    patch === patchSize
      ? { kernel: patchKernel as tf.Tensor2D, positions: position as tf.Tensor2D }
      : {
          kernel: resizedKernel(patch),
          positions: matMul2d(resizeFor(patch).position, position as tf.Tensor2D, 'b'),
        };

  const embedPatches = (images: tf.Tensor2D, patch: number, kernel: tf.Tensor2D): tf.Tensor3D => {
    const count = images.shape[0];
    const tokens = tf.add(matMul2d(patchify(images, side, patch, channels), kernel, 'b'), patchBias);
    return tf.reshape(tokens, [count, (side / patch) ** 2, dim]);
  };

  const attention = (x: tf.Tensor2D, block: (typeof blocks)[number], count: number, tokens: number): tf.Tensor2D => {
    const headDim = dim / heads;
    const split = (t: tf.Tensor2D) => tf.transpose(tf.reshape(t, [count, tokens, heads, headDim]), [0, 2, 1, 3]);
    const q = split(linear(x, block.query));
    const k = split(linear(x, block.key));
    const v = split(linear(x, block.value));
    const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)));
    const mixed = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [count * tokens, dim]) as tf.Tensor2D;
    return linear(mixed, block.output);
  };

  const tower: FlexiVitTower = {
    featureDim: dim,
    prepare(resolution: Resolution): PreparedImageTower {
      const patch = patchSizeOf(resolution);
      const tokens = (side / patch) ** 2;
      const { kernel, positions } = weightsAt(patch);
      return {
        apply(images: tf.Tensor2D): tf.Tensor2D {
          const count = images.shape[0];
          const embedded = tf.add(embedPatches(images, patch, kernel), positions);
          let x = tf.reshape(embedded, [count * tokens, dim]) as tf.Tensor2D;
          for (const block of blocks) {
            x = tf.add(x, attention(normalise(x, block.norm1), block, count, tokens));
            const hidden = gelu(linear(normalise(x, block.norm2), block.fc1));
            x = tf.add(x, linear(hidden, block.fc2));
          }
          return tf.mean(tf.reshape(normalise(x, finalNorm), [count, tokens, dim]), 1) as tf.Tensor2D;
        },
      };
    },
    patchEmbeddings(images: tf.Tensor2D, resolution: Resolution): tf.Tensor3D {
      const patch = patchSizeOf(resolution);
      return embedPatches(images, patch, weightsAt(patch).kernel);
    },
    flops(count: number, resolution: Resolution): PassFlops {
      if (count === 0) return NO_PASS_FLOPS;
      const patch = patchSizeOf(resolution);
      const tokens = (side / patch) ** 2;
      const rows = count * tokens;
      // Weights times constant resize matrices: a gradient for the weights' side only.
      const resize =
        patch === patchSize
          ? NO_PASS_FLOPS
          : withGradients({ matmul: matmulFlops(patch * patch, patchPixels, channels * dim) + matmulFlops(tokens, baseTokens, dim), elementwise: 0 }, 1);
      // The patches are data: the kernel's gradient only.
      const embedding = addPasses(withGradients(denseFlops(rows, patch * patch * channels, dim), 1), withGradients({ matmul: 0, elementwise: rows * dim }, 0));
      const headDim = dim / heads;
      // Inside a block every input comes from weights: both gradients of every product.
      const block = addPasses(
        withGradients({ matmul: 0, elementwise: 2 * layerNormFlops(rows, dim) + 2 * rows * dim }, 0),
        scalePasses(withGradients(denseFlops(rows, dim, dim), 2), 4),
        withGradients(
          {
            matmul: 2 * batchMatmulFlops(count * heads, tokens, headDim, tokens),
            elementwise: count * heads * tokens * tokens + softmaxFlops(count * heads * tokens, tokens),
          },
          2,
        ),
        withGradients(denseFlops(rows, dim, MLP_RATIO * dim, GELU_OPS), 2),
        withGradients(denseFlops(rows, MLP_RATIO * dim, dim), 2),
      );
      const head = withGradients({ matmul: 0, elementwise: layerNormFlops(rows, dim) + rows * dim }, 0);
      return addPasses(resize, embedding, scalePasses(block, depth), head);
    },
    dispose() {
      for (const constants of resizeConstants.values()) tf.dispose([constants.kernel, constants.kernelTransposed, constants.position]);
      resizeConstants.clear();
    },
  };
  return tower;

  function normalise(x: tf.Tensor2D, norm: { gamma: tf.Variable; beta: tf.Variable }): tf.Tensor2D {
    const mean = tf.mean(x, -1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON))), norm.gamma), norm.beta) as tf.Tensor2D;
  }
}

export interface FlexiVitTower extends ImageTower {
  /** The patch tokens before position embeddings, count x tokens x dim (for tests and probes). */
  patchEmbeddings(images: tf.Tensor2D, resolution: Resolution): tf.Tensor3D;
}

/**
 * count x (side^2 x channels) images to (count * grid^2) x (patch^2 x channels) patches: patches and
 * pixels row-major, channels interleaved within a pixel.
 */
export function patchify(images: tf.Tensor2D, side: number, patch: number, channels = 1): tf.Tensor2D {
  const count = images.shape[0];
  const grid = side / patch;
  const blocks = tf.reshape(images, [count * grid, patch, grid, patch * channels]);
  return tf.reshape(tf.transpose(blocks, [0, 2, 1, 3]), [count * grid * grid, patch * patch * channels]) as tf.Tensor2D;
}

function linear(x: tf.Tensor2D, layer: { kernel: tf.Variable; bias: tf.Variable }): tf.Tensor2D {
  return tf.add(matMul2d(x, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D;
}

function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702))) as tf.Tensor2D;
}
