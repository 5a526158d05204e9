import { describe, expect, it } from 'vitest';
import { measureImages } from '../image-attributes';
import { syntheticImages } from './synthetic-images';

describe('syntheticImages', () => {
  const images = syntheticImages({ classCount: 4, imagesPerClass: 30 });

  it('lays images out class-major, 28 x 28 by default', () => {
    expect(images.count).toBe(120);
    expect(images.side).toBe(28);
    expect(images.pixels).toHaveLength(120 * 784);
    expect(Array.from(images.labels.subarray(28, 32))).toEqual([0, 0, 1, 1]);
  });

  it('varies brightness and size within a class', () => {
    const { meanInkIntensity, inkedFraction } = measureImages(images.pixels.subarray(0, 30 * 784), 784);
    expect(new Set(meanInkIntensity).size).toBeGreaterThan(10);
    expect(new Set(inkedFraction).size).toBeGreaterThan(10);
  });

  it('is reproducible from its seed', () => {
    expect(syntheticImages({ classCount: 4, imagesPerClass: 30 })).toEqual(images);
    expect(syntheticImages({ classCount: 4, imagesPerClass: 30, seed: 1 }).pixels).not.toEqual(images.pixels);
  });
});
