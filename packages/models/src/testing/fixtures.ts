import { Rng, type Resolution } from '@sieve/core';
import type { ModelSpec } from '../model-spec';

/** A small spec for fast tests; override what a test is about. */
export function tinySpec(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    imageSide: 8,
    imageTower: 'mlp',
    embeddingDim: 8,
    hiddenDim: 16,
    textEmbeddingDim: 8,
    patchSize: 2,
    coarsePatchSize: 4,
    vitDim: 8,
    vitDepth: 1,
    vitHeads: 2,
    vocabularySize: 12,
    maxTokens: 4,
    classCount: 4,
    ...overrides,
  };
}

export interface ToyExamples {
  images: Float32Array;
  tokens: Int32Array;
  labels: Int32Array;
  count: number;
}

/**
 * A linearly separable toy set: class c lights up image quadrant c (plus noise), and its
 * caption is the class word c + 1 followed by a shared word 5 and padding.
 */
export function toyExamples(side: number, count: number, seed: number, maxTokens = 4): ToyExamples {
  const rng = new Rng(seed);
  const images = new Float32Array(count * side * side);
  const tokens = new Int32Array(count * maxTokens);
  const labels = new Int32Array(count);
  const half = side / 2;
  for (let i = 0; i < count; i++) {
    const label = rng.nextInt(4);
    labels[i] = label;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const quadrant = (r < half ? 0 : 2) + (c < half ? 0 : 1);
        images[i * side * side + r * side + c] = (quadrant === label ? 1 : 0) + 0.2 * rng.nextFloat();
      }
    }
    tokens[i * maxTokens] = label + 1;
    tokens[i * maxTokens + 1] = 5;
  }
  return { images, tokens, labels, count };
}

export function randomImages(rng: Rng, count: number, side: number): Float32Array {
  return Float32Array.from({ length: count * side * side }, () => rng.nextFloat());
}

export function randomTokens(rng: Rng, count: number, maxTokens: number, vocabularySize: number): Int32Array {
  return Int32Array.from({ length: count * maxTokens }, () => rng.nextInt(vocabularySize));
}

export function alternatingResolutions(count: number): Resolution[] {
  return Array.from({ length: count }, (_, i) => (i % 2 === 0 ? 'fine' : 'coarse'));
}
