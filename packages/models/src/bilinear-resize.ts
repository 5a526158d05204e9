import { kronecker, matrix, type Matrix } from './matrix';

/**
 * The `to x from` matrix that resizes a 1-D signal of `from` samples to `to` samples by linear
 * interpolation with half-pixel centres and clamped edges: what `tf.image.resizeBilinear`
 * computes with `halfPixelCenters`, without antialiasing.
 */
export function bilinearResizeMatrix1d(from: number, to: number): Matrix {
  const result = matrix(to, from);
  const scale = from / to;
  for (let out = 0; out < to; out++) {
    const source = Math.max((out + 0.5) * scale - 0.5, 0);
    const lower = Math.min(Math.floor(source), from - 1);
    const upper = Math.min(lower + 1, from - 1);
    const weight = source - lower;
    result.values[out * from + lower] += 1 - weight;
    result.values[out * from + upper] += weight;
  }
  return result;
}

/** Bilinear resize of a `from x from` image to `to x to`, both flattened row-major: kron(R, R). */
export function bilinearResizeMatrix2d(from: number, to: number): Matrix {
  const oneDimensional = bilinearResizeMatrix1d(from, to);
  return kronecker(oneDimensional, oneDimensional);
}
