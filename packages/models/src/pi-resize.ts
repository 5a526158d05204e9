import { bilinearResizeMatrix1d } from './bilinear-resize';
import { inverse, kronecker, matrix, multiply, pseudoInverse, transpose, type Matrix } from './matrix';

/**
 * PI-resize (FlexiViT, Beyer et al. 2023): a patch-embedding kernel w for `fromPatch` x
 * `fromPatch` patches becomes w' = pinv(B^T) w for `toPatch` patches, B the bilinear resize
 * from the old patch size to the new. Then <B x, w'> = <x, w> for every patch x when the patch
 * grows (B^T has full row rank); when it shrinks it is the least-squares best.
 * Returns the 1-D factor pinv(B1^T), toPatch x fromPatch; the 2-D matrix is its Kronecker square.
 */
export function piResizeMatrix1d(fromPatch: number, toPatch: number): Matrix {
  return pseudoInverse(transpose(bilinearResizeMatrix1d(fromPatch, toPatch)));
}

/** pinv(B^T) for square patches flattened row-major: toPatch^2 x fromPatch^2. */
export function piResizeMatrix2d(fromPatch: number, toPatch: number): Matrix {
  const oneDimensional = piResizeMatrix1d(fromPatch, toPatch);
  return kronecker(oneDimensional, oneDimensional);
}

/** D1, the (side/2) x side matrix of 2-sample averaging: 2x2 average pooling is D1 (x) D1. */
export function averagePoolMatrix1d(side: number): Matrix {
  const half = side / 2;
  const result = matrix(half, side);
  for (let i = 0; i < half; i++) {
    result.values[i * side + 2 * i] = 0.5;
    result.values[i * side + 2 * i + 1] = 0.5;
  }
  return result;
}

/**
 * The MLP's coarse first layer sees the 2x2-average-pooled image D x. It uses W_c = M^T W with
 * M = U (D U)^-1, U the bilinear upsampling from side/2 to side. For an upsampled coarse image
 * x = U z: W_c^T D x = W^T U (D U)^-1 (D U) z = W^T x, exact. This is the resized kernel W_c = U^T W
 * applied to the coarse image z = (D U)^-1 D x; the factor (D U)^-1 undoes the slight blur
 * (weights 1/8, 3/4, 1/8) that average pooling adds to a bilinear upsampling, and is folded into
 * the kernel so that the per-image cost stays that of plain pooling.
 * Returns the 1-D factor M1 (side x side/2); M = M1 (x) M1.
 */
export function mlpCoarseKernelMatrix1d(side: number): Matrix {
  const upsample = bilinearResizeMatrix1d(side / 2, side);
  return multiply(upsample, inverse(multiply(averagePoolMatrix1d(side), upsample)));
}
