import type { Rng } from '@sieve/core';

/**
 * Copies one image translated by (dx, dy) whole pixels: target(x, y) = source(x - dx, y - dy),
 * and 0 (the background of Fashion-MNIST and MNIST) where that falls outside the image.
 * A positive dx moves the picture right, a positive dy down. `channels` values per pixel, interleaved.
 */
export function shiftImage(source: Float32Array, target: Float32Array, side: number, dx: number, dy: number, channels = 1): void {
  for (let y = 0; y < side; y++) {
    const sourceY = y - dy;
    for (let x = 0; x < side; x++) {
      const sourceX = x - dx;
      const inside = sourceX >= 0 && sourceX < side && sourceY >= 0 && sourceY < side;
      for (let c = 0; c < channels; c++) {
        target[(y * side + x) * channels + c] = inside ? source[(sourceY * side + sourceX) * channels + c] : 0;
      }
    }
  }
}

/**
 * Random-translation augmentation, in place: each of the `count` images moves by an offset drawn
 * uniformly from [-maxShift, maxShift] in x and in y. Brightness and inked area (what the caption's
 * attribute words are computed from) stay as they were unless ink crosses the border.
 */
export function shiftImagesRandomly(images: Float32Array, count: number, side: number, maxShift: number, rng: Rng, channels = 1): void {
  if (maxShift <= 0) return;
  const pixels = side * side * channels;
  const original = new Float32Array(pixels);
  for (let image = 0; image < count; image++) {
    const dx = rng.nextInt(2 * maxShift + 1) - maxShift;
    const dy = rng.nextInt(2 * maxShift + 1) - maxShift;
    if (dx === 0 && dy === 0) continue;
    const view = images.subarray(image * pixels, (image + 1) * pixels);
    original.set(view);
    shiftImage(original, view, side, dx, dy, channels);
  }
}
