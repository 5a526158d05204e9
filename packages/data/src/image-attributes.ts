/**
 * A pixel brighter than this (of 255) is ink; darker ones are background. Fashion-MNIST
 * backgrounds are 0 with faint scanning noise below about 20.
 */
export const INK_THRESHOLD = 32;

/** What attribute words are computed from, per image. */
export interface ImageMeasurements {
  /** Mean intensity of the inked pixels, 0..255 (0 for a blank image). */
  meanInkIntensity: Float32Array;
  /** Fraction of the image's pixels that are inked, 0..1. */
  inkedFraction: Float32Array;
}

/**
 * Brightness is the mean intensity of the garment (its inked pixels), not of the whole
 * image, so that it says something different from size: a large garment covers more
 * pixels, not necessarily brighter ones.
 */
export function measureImages(pixels: Uint8Array, pixelsPerImage: number): ImageMeasurements {
  const count = pixels.length / pixelsPerImage;
  const meanInkIntensity = new Float32Array(count);
  const inkedFraction = new Float32Array(count);
  for (let image = 0; image < count; image++) {
    let inked = 0;
    let inkSum = 0;
    for (let p = image * pixelsPerImage, end = p + pixelsPerImage; p < end; p++) {
      const value = pixels[p];
      if (value > INK_THRESHOLD) {
        inked++;
        inkSum += value;
      }
    }
    meanInkIntensity[image] = inked === 0 ? 0 : inkSum / inked;
    inkedFraction[image] = inked / pixelsPerImage;
  }
  return { meanInkIntensity, inkedFraction };
}

/**
 * Bin edges per class, chosen from all images of the class (every split) so that the bins
 * are as even as the data allows within each class: brightness at the class's tertiles of
 * mean ink intensity, size at its median inked fraction. 'dark' thus means dark for a
 * sandal, not dark among all clothes, and every concept of a class is well populated.
 */
export interface AttributeThresholds {
  /** classCount x 2: an image is dark below the first, bright at or above the second. */
  brightness: Float32Array;
  /** classCount: an image is large at or above it. */
  size: Float32Array;
}

export function attributeThresholds(
  measurements: ImageMeasurements,
  labels: Int32Array,
  classCount: number,
): AttributeThresholds {
  const brightness = new Float32Array(classCount * 2);
  const size = new Float32Array(classCount);
  for (let classIndex = 0; classIndex < classCount; classIndex++) {
    const intensities: number[] = [];
    const fractions: number[] = [];
    labels.forEach((label, image) => {
      if (label !== classIndex) return;
      intensities.push(measurements.meanInkIntensity[image]);
      fractions.push(measurements.inkedFraction[image]);
    });
    if (intensities.length === 0) continue;
    intensities.sort((a, b) => a - b);
    fractions.sort((a, b) => a - b);
    const n = intensities.length;
    brightness[classIndex * 2] = intensities[Math.floor(n / 3)];
    brightness[classIndex * 2 + 1] = intensities[Math.floor((2 * n) / 3)];
    size[classIndex] = fractions[Math.floor(n / 2)];
  }
  return { brightness, size };
}

export interface AttributeBins {
  /** Index into BRIGHTNESS_WORDS per image. */
  brightness: Uint8Array;
  /** Index into SIZE_WORDS per image. */
  size: Uint8Array;
}

export function attributeBins(
  measurements: ImageMeasurements,
  labels: Int32Array,
  thresholds: AttributeThresholds,
): AttributeBins {
  const count = labels.length;
  const brightness = new Uint8Array(count);
  const size = new Uint8Array(count);
  for (let image = 0; image < count; image++) {
    const classIndex = labels[image];
    const intensity = measurements.meanInkIntensity[image];
    brightness[image] =
      intensity < thresholds.brightness[classIndex * 2] ? 0 : intensity < thresholds.brightness[classIndex * 2 + 1] ? 1 : 2;
    size[image] = measurements.inkedFraction[image] < thresholds.size[classIndex] ? 0 : 1;
  }
  return { brightness, size };
}
