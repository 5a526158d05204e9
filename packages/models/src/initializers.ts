import { Rng } from '@sieve/core';

/**
 * Seeded initial values. Each parameter draws from its own stream, derived from the model
 * seed and a hash of the parameter's name, so the same seed and spec give identical weights
 * and adding a parameter never changes the others.
 */
export function parameterRng(seed: number, name: string): Rng {
  return Rng.derive(seed, fnv1a(name));
}

/** Glorot (Xavier) uniform: U(-a, a), a = sqrt(6 / (fanIn + fanOut)); for layers without ReLU. */
export function glorotUniform(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.nextFloat() - 1) * limit);
}

/** He (Kaiming) uniform: U(-a, a), a = sqrt(6 / fanIn); for layers followed by a ReLU. */
export function heUniform(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / fanIn);
  return Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.nextFloat() - 1) * limit);
}

/** N(0, std^2), e.g. position embeddings (std 0.02). */
export function normal(rng: Rng, count: number, std: number): Float32Array {
  return Float32Array.from({ length: count }, () => rng.normal() * std);
}

export function constant(count: number, value: number): Float32Array {
  return new Float32Array(count).fill(value);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
