import type * as tf from '@tensorflow/tfjs-core';
import type { Resolution } from '@sieve/core';
import type { PassFlops } from './tensor/index';

/** An image tower's weights made ready for one resolution (e.g. with its kernel resized). */
export interface PreparedImageTower {
  /** count x side^2 pixels in, count x featureDim features out. */
  apply(images: tf.Tensor2D): tf.Tensor2D;
}

/**
 * Maps images to features; the model adds the head (a projection to the embedding, or class
 * logits). Call its methods inside tf.tidy: prepared weights are ordinary scoped tensors.
 */
export interface ImageTower {
  readonly featureDim: number;
  prepare(resolution: Resolution): PreparedImageTower;
  /** FLOPs of one `prepare` plus `apply` on `count` images (zero for no images), forward and backward. */
  flops(count: number, resolution: Resolution): PassFlops;
  /** Frees the tower's constant tensors (its variables belong to the model's Parameters). */
  dispose(): void;
}
