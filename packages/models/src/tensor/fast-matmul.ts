import * as tf from '@tensorflow/tfjs-core';
import './register-gradients';
import { wasmMatmulsOnBlas } from './blas-matmul-kernel';

/**
 * a (m x k) times b (k x n), whose forward and backward products all run untransposed.
 *
 * Why: tfjs-backend-wasm 4.22 sends a 2-D matmul to XNNPACK only without transpose flags; with
 * one it falls back to a plain loop about 10x slower (measured here: 36 ms instead of 3.7 ms for
 * 784x128 by 128x256). tf.matMul's own gradient uses transpose flags, so a training step spends
 * most of its time there. Materialising the transpose costs one pass over the matrix.
 *
 * `gradientFor`: 'both' (default); 'b' when `a` is data or a constant (input images, a resize
 * matrix), 'a' when `b` is: then no gradient is computed for the other input, and none flows into it.
 *
 * On the wasm-blas backend the library takes transposed operands as they are: no transpose pass.
 *
 * Caution (same backend): XNNPACK caches its packed copy of `b` by the tensor's data, not by its
 * shape. Never pass as `b` a reshape of a tensor that is also used as `b` with another shape:
 * the second product would silently use the first one's layout.
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D, gradientFor: 'both' | 'a' | 'b' = 'both'): tf.Tensor2D {
  if (gradientFor === 'a') return leftOnly(b)(a);
  return gradientFor === 'both' ? matMulBoth(a, b) : rightOnly(a)(b);
}

/**
 * a (m x k) times b^T (b is n x k), differentiable in both. On BLAS the library takes b as it is;
 * XNNPACK's fast product needs b transposed first, as matMul2d says.
 */
export function matMul2dTransposed(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return wasmMatmulsOnBlas() ? (tf.matMul(a, b, false, true) as tf.Tensor2D) : matMul2d(a, tf.transpose(b));
}

type GradientInput = tf.Tensor | tf.GradSaveFunc;

/** a b^T inside a gradient (not differentiated again), with the transpose materialised where only the untransposed product is fast. */
function timesTransposed(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return wasmMatmulsOnBlas() ? tf.matMul(a, b, false, true) : tf.matMul(a, tf.transpose(b));
}

/** a^T b, likewise. */
function transposedTimes(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return wasmMatmulsOnBlas() ? tf.matMul(a, b, true, false) : tf.matMul(tf.transpose(a), b);
}

const matMulBoth = tf.customGrad((...inputs: GradientInput[]) => {
  const [a, b, save] = inputs as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedA, savedB] = saved as tf.Tensor2D[];
      return [timesTransposed(dy as tf.Tensor2D, savedB), transposedTimes(savedA, dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

function rightOnly(a: tf.Tensor2D): (b: tf.Tensor2D) => tf.Tensor2D {
  return tf.customGrad((...inputs: GradientInput[]) => {
    const [b, save] = inputs as [tf.Tensor, tf.GradSaveFunc];
    // Saved, not merely captured: an inner tidy may dispose `a` before the backward pass.
    save([a]);
    return {
      value: tf.matMul(a, b as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => transposedTimes(saved[0] as tf.Tensor2D, dy as tf.Tensor2D),
    };
  }) as (b: tf.Tensor2D) => tf.Tensor2D;
}

function leftOnly(b: tf.Tensor2D): (a: tf.Tensor2D) => tf.Tensor2D {
  return tf.customGrad((...inputs: GradientInput[]) => {
    const [a, save] = inputs as [tf.Tensor, tf.GradSaveFunc];
    save([b]);
    return {
      value: tf.matMul(a as tf.Tensor2D, b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => timesTransposed(dy as tf.Tensor2D, saved[0] as tf.Tensor2D),
    };
  }) as (a: tf.Tensor2D) => tf.Tensor2D;
}
