import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { bilinearResizeMatrix1d, bilinearResizeMatrix2d } from './bilinear-resize';
import { matrix, multiply, transpose } from './matrix';
import { averagePoolMatrix1d, mlpCoarseKernelMatrix1d, piResizeMatrix1d, piResizeMatrix2d } from './pi-resize';

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

describe('PI-resize', () => {
  it('spreads a 1-pixel kernel over the 2 pixels it grows into', () => {
    // B (1 -> 2) = (1; 1), so pinv(B^T) = B (B^T B)^-1 = (1/2; 1/2): <(x, x), (w/2, w/2)> = x w.
    expect(Array.from(piResizeMatrix1d(1, 2).values)).toEqual([0.5, 0.5]);
  });

  it('keeps every token exact when the patch grows 7 -> 14', () => {
    const rng = new Rng(9);
    const resize = bilinearResizeMatrix2d(7, 14);
    const piResize = piResizeMatrix2d(7, 14);
    for (let trial = 0; trial < 5; trial++) {
      const patch = matrix(49, 1, Array.from({ length: 49 }, () => rng.nextFloat()));
      const kernel = matrix(49, 1, Array.from({ length: 49 }, () => rng.normal()));
      const grownPatch = multiply(resize, patch).values;
      const grownKernel = multiply(piResize, kernel).values;
      expect(dot(grownPatch, grownKernel)).toBeCloseTo(dot(patch.values, kernel.values), 10);
    }
  });
});

describe('the MLP coarse kernel', () => {
  it('corrects the blur that 2x2 pooling adds to a bilinear upsampling', () => {
    // D1 U1 for side 4: U1 (2 -> 4) rows (1,0) (.75,.25) (.25,.75) (0,1); D1 averages pairs:
    // ((1 + .75)/2, (0 + .25)/2; (.25 + 0)/2, (.75 + 1)/2) = (.875 .125; .125 .875), not the identity.
    const pooledUpsampling = multiply(averagePoolMatrix1d(4), bilinearResizeMatrix1d(2, 4));
    expect(Array.from(pooledUpsampling.values)).toEqual([0.875, 0.125, 0.125, 0.875]);
    // D1 M1 = D1 U1 (D1 U1)^-1 = I.
    const corrected = multiply(averagePoolMatrix1d(28), mlpCoarseKernelMatrix1d(28));
    corrected.values.forEach((value, i) => expect(value).toBeCloseTo(i % 15 === 0 ? 1 : 0, 10));
  });

  it('is exact for images that are upsampled coarse images', () => {
    // 1-D along each axis: W^T U z = (M1^T W)^T (D1 U z) for every z and W.
    const rng = new Rng(4);
    const side = 28;
    const upsample = bilinearResizeMatrix1d(14, side);
    const coarse = matrix(14, 1, Array.from({ length: 14 }, () => rng.nextFloat()));
    const kernel = matrix(side, 1, Array.from({ length: side }, () => rng.normal()));
    const fineImage = multiply(upsample, coarse);
    const pooled = multiply(averagePoolMatrix1d(side), fineImage);
    const coarseKernel = multiply(transpose(mlpCoarseKernelMatrix1d(side)), kernel);
    expect(dot(pooled.values, coarseKernel.values)).toBeCloseTo(dot(fineImage.values, kernel.values), 10);
  });
});
