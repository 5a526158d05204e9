import * as tf from '@tensorflow/tfjs-core';
import './register-gradients';
import { matMul2d } from './fast-matmul';

/**
 * SigLIP's pairwise sigmoid loss (design.md §1):
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
    const similarities = matMul2d(imageEmbeddings, tf.transpose(textEmbeddings));
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
    const losses = pairwiseSigmoidLoss(imageEmbeddings, textEmbeddings, logTemperature, bias);
    return tf.div(tf.sum(losses), imageEmbeddings.shape[0]) as tf.Scalar;
  });
}
