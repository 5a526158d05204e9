import type { ImageSplit, LabelledImages } from './types';

/** Copies the chosen images out of a source as pixels in [0, 1]. */
export function imageSplitOf(source: LabelledImages, indices: ArrayLike<number>): ImageSplit {
  const pixelsPerImage = source.side * source.side;
  return {
    count: indices.length,
    images: pixelsToUnit(gatherRows(source.pixels, pixelsPerImage, indices)),
    labels: gatherRows(source.labels, 1, indices),
  };
}

/** Rows `indices` of a row-major matrix with `width` columns, in that order. */
export function gatherRows<T extends Uint8Array | Int32Array>(matrix: T, width: number, indices: ArrayLike<number>): T {
  const out = new (matrix.constructor as new (length: number) => T)(indices.length * width);
  for (let row = 0; row < indices.length; row++) {
    const from = indices[row] * width;
    out.set(matrix.subarray(from, from + width), row * width);
  }
  return out;
}

/** 0..255 -> [0, 1]. */
export function pixelsToUnit(pixels: Uint8Array): Float32Array {
  const unit = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) unit[i] = pixels[i] / 255;
  return unit;
}
