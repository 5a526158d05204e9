import { Rng } from '@sieve/core';
import type { LabelledImages } from '../types';

export interface SyntheticImagesOptions {
  classCount: number;
  imagesPerClass: number;
  /** Default 28. */
  side?: number;
  /** Default 0. */
  seed?: number;
}

/**
 * A small labelled image set for tests, in Fashion-MNIST's layout (class-major, 0..255):
 * class c is a filled rectangle centred at a class-specific spot, of random size and
 * brightness, on a faintly noisy background. Learnable, varied in both attributes, and
 * built in milliseconds.
 */
export function syntheticImages(options: SyntheticImagesOptions): LabelledImages {
  const side = options.side ?? 28;
  const rng = new Rng(options.seed ?? 0);
  const count = options.classCount * options.imagesPerClass;
  const pixels = new Uint8Array(count * side * side);
  const labels = new Int32Array(count);
  const grid = Math.ceil(Math.sqrt(options.classCount));
  for (let image = 0; image < count; image++) {
    const classIndex = Math.floor(image / options.imagesPerClass);
    labels[image] = classIndex;
    const centreRow = Math.round(((Math.floor(classIndex / grid) + 0.5) * side) / grid);
    const centreCol = Math.round((((classIndex % grid) + 0.5) * side) / grid);
    const halfHeight = 1 + rng.nextInt(Math.max(1, Math.floor(side / 4)));
    const halfWidth = 1 + rng.nextInt(Math.max(1, Math.floor(side / 4)));
    const intensity = 60 + rng.nextInt(196);
    const offset = image * side * side;
    for (let row = 0; row < side; row++)
      for (let col = 0; col < side; col++) {
        const inside = Math.abs(row - centreRow) <= halfHeight && Math.abs(col - centreCol) <= halfWidth;
        pixels[offset + row * side + col] = inside ? intensity : rng.nextInt(16);
      }
  }
  return { count, side, pixels, labels, droppedEntries: 0 };
}
