import * as tf from '@tensorflow/tfjs-core';
import './register-gradients';
import { TABLE_END, tabulatedSigmoid, tabulatedSoftplus } from './softplus-table';
import { wasmHeapView } from './wasm-heap';

/**
 * The batch loss of SigLIP from the n x m similarities S = X Y^T, as one operation with its own
 * gradient, for the CPU backends (wasm, cpu):
 *
 *   logit_ij = t S_ij + b,  loss = (1/n) sum_ij softplus(-z_ij logit_ij),  z_ii = +1, else -1,
 *   d loss / d logit_ij = g_ij = -(z_ij / n) sigmoid(-z_ij logit_ij),
 *   d/dS_ij = t g_ij,   d/d(log t) = t sum_ij g_ij S_ij,   d/db = sum_ij g_ij.
 *
 * Why by hand: the same loss as tensor operations is seven kernels forward and about a dozen
 * backward, each a pass over the matrix with a fixed cost per call; here the forward pass is one
 * loop over S that also leaves g for the backward pass. On a GPU the tensor form stays (reading S
 * back would wait for the device).
 */
export function sigmoidLossFromSimilarities(similarities: tf.Tensor2D, logTemperature: tf.Scalar, bias: tf.Scalar): tf.Scalar {
  return fused(similarities, logTemperature, bias);
}

type GradientInput = tf.Tensor | tf.GradSaveFunc;

const fused = tf.customGrad((...inputs: GradientInput[]) => {
  const [similarities, logTemperature, bias] = inputs as [tf.Tensor2D, tf.Scalar, tf.Scalar];
  const [n, m] = similarities.shape;
  const s = valuesOf(similarities);
  const t = Math.exp(valuesOf(logTemperature)[0]);
  const b = valuesOf(bias)[0];
  const logitGradients = new Float32Array(n * m);
  const { loss, temperatureGradient, biasGradient } = sigmoidLossAndGradients(s, n, m, t, b, logitGradients);
  return {
    value: tf.scalar(loss / n),
    gradFunc: (dy: tf.Tensor) => [
      tf.mul(tf.tensor2d(logitGradients, [n, m]), tf.mul(dy, t)),
      tf.mul(dy, t * temperatureGradient),
      tf.mul(dy, biasGradient),
    ],
  };
}) as (similarities: tf.Tensor2D, logTemperature: tf.Scalar, bias: tf.Scalar) => tf.Scalar;

/** A tensor's values without a copy on wasm, read back elsewhere (the CPU backends answer at once). */
function valuesOf(tensor: tf.Tensor): Float32Array {
  return wasmHeapView(tensor) ?? (tensor.dataSync() as Float32Array);
}

/**
 * The loss summed over S (n x m, row-major), and in `logitGradients` each g_ij, with the sums
 * sum_ij g_ij S_ij and sum_ij g_ij: one pass over S.
 */
export function sigmoidLossAndGradients(s: Float32Array, n: number, m: number, t: number, b: number, logitGradients: Float32Array) {
  let loss = 0;
  let temperatureGradient = 0;
  let biasGradient = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const e = i * m + j;
      const logit = t * s[e] + b;
      // u = -z logit: the argument of the softplus.
      const u = i === j ? -logit : logit;
      // d softplus(u) / d logit = -z sigmoid(u). Beyond the tables' end both are taken as saturated
      // (to within 2e-9), without the exp the tabulated functions compute there.
      let sigmoid: number;
      if (u > TABLE_END) {
        loss += u;
        sigmoid = 1;
      } else if (u < -TABLE_END) {
        sigmoid = 0;
      } else {
        loss += tabulatedSoftplus(u);
        sigmoid = tabulatedSigmoid(u);
      }
      const g = (i === j ? -sigmoid : sigmoid) / n;
      logitGradients[e] = g;
      temperatureGradient += g * s[e];
      biasGradient += g;
    }
  }
  return { loss, temperatureGradient, biasGradient };
}
