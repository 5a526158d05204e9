import { describe, expect, it } from 'vitest';
import { INK_THRESHOLD, attributeBins, attributeThresholds, measureImages } from './image-attributes';

describe('measureImages', () => {
  it('measures the mean intensity of inked pixels and the inked fraction', () => {
    // Image 0, 2x2: [0, 100, 200, 10]: 100 and 200 are above the threshold of 32:
    //   mean ink = (100 + 200) / 2 = 150, inked fraction = 2 / 4 = 0.5.
    // Image 1: [32, 33, 0, 0]: 32 is not above the threshold, 33 is: mean 33, fraction 0.25.
    // Image 2: blank: mean 0, fraction 0.
    expect(INK_THRESHOLD).toBe(32);
    const { meanInkIntensity, inkedFraction } = measureImages(Uint8Array.from([0, 100, 200, 10, 32, 33, 0, 0, 0, 0, 0, 0]), 4);
    expect(Array.from(meanInkIntensity)).toEqual([150, 33, 0]);
    expect(Array.from(inkedFraction)).toEqual([0.5, 0.25, 0]);
  });
});

describe('attributeThresholds and attributeBins', () => {
  // Class 0: six images with mean ink 10..60 and inked fractions 0.1..0.6; class 1: two
  // images of mean ink 200 and 100.
  const measurements = {
    meanInkIntensity: Float32Array.from([10, 20, 30, 40, 50, 60, 200, 100]),
    inkedFraction: Float32Array.from([0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.5, 0.5]),
  };
  const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1]);

  it('puts brightness edges at each class tertile and the size edge at its median', () => {
    // Class 0, n = 6: sorted intensities [10..60]: edges at positions 2 and 4 -> 30 and 50;
    // sorted fractions [0.1..0.6]: median at position 3 -> 0.4.
    // Class 1, n = 2: sorted [100, 200]: positions 0 and 1 -> 100 and 200; median position 1 -> 0.5.
    const thresholds = attributeThresholds(measurements, labels, 3);
    expect(Array.from(thresholds.brightness)).toEqual([30, 50, 100, 200, 0, 0]);
    expect(thresholds.size[0]).toBeCloseTo(0.4);
    expect(thresholds.size[1]).toBeCloseTo(0.5);
  });

  it('bins each image against its own class edges, evenly for distinct values', () => {
    const bins = attributeBins(measurements, labels, attributeThresholds(measurements, labels, 2));
    // Class 0: 10, 20 < 30 dark; 30, 40 < 50 medium; 50, 60 bright. Fractions >= 0.4 are large.
    // Class 1: 200 >= 200 bright; 100 medium; both fractions 0.5 >= 0.5 large.
    expect(Array.from(bins.brightness)).toEqual([0, 0, 1, 1, 2, 2, 2, 1]);
    expect(Array.from(bins.size)).toEqual([1, 1, 1, 0, 0, 0, 1, 1]);
  });
});
