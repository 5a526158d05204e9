import * as tf from '@tensorflow/tfjs-core';
import './register-gradients';
import { matMul2dTransposed } from './fast-matmul';
import { sigmoidLossFromSimilarities } from './sigmoid-loss-fused';
import { computesInProcess, readTidy } from './read';
import { addBiasSoftplusInPlace, softplus } from './softplus-table';

/**
 * SigLIP's pairwise sigmoid loss:
 * L_ij = -log sigmoid(z_ij (t <x_i, y_j> + b)), z_ii = +1, z_ij = -1 for i != j, t = exp(logTemperature).
 * Computed as softplus(-z_ij * logit_ij), which neither overflows nor loses precision for large logits.
 * Returns the n x m matrix; differentiable in all four inputs.
 */
export function pairwiseSigmoidLoss(
  imageEmbeddings: tf.Tensor2D,
  textEmbeddings: tf.Tensor2D,
  logTemperature: tf.Scalar,
  bias: tf.Scalar,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [n] = imageEmbeddings.shape;
    const [m] = textEmbeddings.shape;
    const similarities = matMul2dTransposed(imageEmbeddings, textEmbeddings);
    const logits = tf.add(tf.mul(similarities, tf.exp(logTemperature)), bias);
    // -z_ij: -1 on the diagonal (positive pairs), +1 elsewhere.
    const negatedSigns = tf.sub(1, tf.mul(tf.eye(n, m), 2));
    return tf.softplus(tf.mul(negatedSigns, logits)) as tf.Tensor2D;
  });
}

/** loss(S) = (1/|S|) sum over i, j of L_ij, with |S| the number of images (rows). */
export function batchSigmoidLoss(
  imageEmbeddings: tf.Tensor2D,
  textEmbeddings: tf.Tensor2D,
  logTemperature: tf.Scalar,
  bias: tf.Scalar,
): tf.Scalar {
  return tf.tidy(() => {
    if (computesInProcess()) {
      // One operation over the similarities (see sigmoid-loss-fused.ts); on BLAS the transposed product is free.
      return sigmoidLossFromSimilarities(matMul2dTransposed(imageEmbeddings, textEmbeddings), logTemperature, bias);
    }
    const losses = pairwiseSigmoidLoss(imageEmbeddings, textEmbeddings, logTemperature, bias);
    return tf.div(tf.sum(losses), imageEmbeddings.shape[0]) as tf.Scalar;
  });
}

/**
 * The values of `pairwiseSigmoidLoss`, for scoring (no gradient), in fewer passes over the n x m
 * matrix: one untransposed product with t folded into x runs on the backend; every entry is then
 * taken as a negative pair, softplus(t <x_i, y_j> + b), on the values read back, with the
 * tabulated softplus (to within 3e-8; see softplus-table.ts); then the min(n, m) positive pairs
 * (i = j) are overwritten with the exact softplus(-(t <x_i, y_i> + b)), computed here from the
 * embeddings. Measured on wasm at n = m = 384, dim 32: 1.1 ms against 2.2 ms with the backend's
 * softplus kernel (and 17.3 ms at n = m = 640 for the differentiable form and a read).
 */
export async function pairwiseSigmoidLossValues(x: tf.Tensor2D, y: tf.Tensor2D, temperature: number, bias: number): Promise<Float32Array> {
  const [n, dim] = x.shape;
  const [m] = y.shape;
  // The tensor is freed once read, so its values are this function's to overwrite: no copy.
  const values = addBiasSoftplusInPlace((await readTidy(() => matMul2dTransposed(tf.mul(x, temperature), y))) as Float32Array, bias);
  const [xs, ys] = await Promise.all([x.data(), y.data()]);
  for (let i = 0; i < Math.min(n, m); i++) {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += xs[i * dim + d] * ys[i * dim + d];
    values[i * m + i] = softplus(-(temperature * dot + bias));
  }
  return values;
}
