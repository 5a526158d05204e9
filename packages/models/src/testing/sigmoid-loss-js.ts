import { softplus } from '../tensor/softplus-table';

/**
 * The pairwise sigmoid loss of `pairwiseSigmoidLoss` in plain JavaScript, exactly, one pair at a
 * time: what the tests hold the tensor versions and the cached reference losses against.
 *
 * @param x n x dim image embeddings, row-major
 * @param y m x dim text embeddings, row-major
 * @param temperature t itself (not its logarithm)
 * @returns the n x m matrix L_ij, row-major
 */
export function pairwiseSigmoidLossFromEmbeddings(
  x: Float32Array,
  y: Float32Array,
  n: number,
  m: number,
  dim: number,
  temperature: number,
  bias: number,
): Float32Array {
  if (x.length < n * dim || y.length < m * dim) {
    throw new RangeError(`embeddings too short: need ${n}x${dim} and ${m}x${dim}, got ${x.length} and ${y.length} values`);
  }
  const losses = new Float32Array(n * m);
  const unrolledEnd = dim - (dim % 4);
  for (let i = 0; i < n; i++) {
    const xRow = i * dim;
    for (let j = 0; j < m; j++) {
      const yRow = j * dim;
      let dot0 = 0;
      let dot1 = 0;
      let dot2 = 0;
      let dot3 = 0;
      let d = 0;
      for (; d < unrolledEnd; d += 4) {
        dot0 += x[xRow + d] * y[yRow + d];
        dot1 += x[xRow + d + 1] * y[yRow + d + 1];
        dot2 += x[xRow + d + 2] * y[yRow + d + 2];
        dot3 += x[xRow + d + 3] * y[yRow + d + 3];
      }
      for (; d < dim; d++) dot0 += x[xRow + d] * y[yRow + d];
      const logit = temperature * (dot0 + dot1 + dot2 + dot3) + bias;
      losses[i * m + j] = softplus(i === j ? -logit : logit);
    }
  }
  return losses;
}
