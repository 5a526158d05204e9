import { Rng, UserInputError } from '@sieve/core';
import type { CaptionLanguage } from './caption-language';
import { countsForRates } from './rate-counts';

export const CAPTION_TAG_NAMES = ['clean', 'duplicate', 'mismatched', 'junk'] as const;
export type CaptionTagName = (typeof CAPTION_TAG_NAMES)[number];
/** Tag ids: CAPTION_TAG[name] is the value stored in `tags`. */
export const CAPTION_TAG = { clean: 0, duplicate: 1, mismatched: 2, junk: 3 } as const;

export type NoiseRates = Record<CaptionTagName, number>;

/** Noise is fixed by this seed, not the run seed: every run and selector sees the same pool. */
export const NOISE_SEED = 1;
/** Duplicates are copies of this fraction of the pool (about 5 copies each at the default rates). */
export const DUPLICATE_SOURCE_FRACTION = 0.02;
/** A duplicate's pixels differ from its source's by at most this much (of 255). */
export const DUPLICATE_JITTER = 8;

/** A pool with the true caption of every image. */
export interface CleanCaptionedPool {
  /** count x pixelsPerImage, 0..255. */
  pixels: Uint8Array;
  labels: Int32Array;
  /** count x maxTokens true captions. */
  tokens: Int32Array;
  pixelsPerImage: number;
}

export interface NoisyCaptionedPool extends CleanCaptionedPool {
  /** Index into CAPTION_TAG_NAMES per example. */
  tags: Uint8Array;
  /** Pool index a duplicate was copied from; -1 for other tags. */
  duplicateOf: Int32Array;
}

/**
 * Tags each pool example clean, duplicate, mismatched or junk (counts by `countsForRates`,
 * positions at random) and rewrites it accordingly:
 * - duplicate: image replaced by a jittered copy of one of a few clean examples (the
 *   sources, DUPLICATE_SOURCE_FRACTION of the pool), with its label and true caption;
 * - mismatched: the true caption of a random pool example of a different class;
 * - junk: a junk caption ('img 4821 jpg sale free shipping').
 * The input is not modified.
 */
export function addCaptionNoise(
  pool: CleanCaptionedPool,
  rates: NoiseRates,
  language: CaptionLanguage,
  seed = NOISE_SEED,
): NoisyCaptionedPool {
  const count = pool.labels.length;
  const rateList = CAPTION_TAG_NAMES.map((name) => rates[name]);
  if (Math.abs(rateList.reduce((sum, rate) => sum + rate, 0) - 1) > 1e-6 || rateList.some((rate) => rate < 0))
    throw new UserInputError('data.noise', `the four rates must be at least 0 and add up to 1, got ${JSON.stringify(rates)}`);
  const rng = new Rng(seed);
  const tags = assignTags(countsForRates(rateList, count), rng);
  const noisy: NoisyCaptionedPool = {
    pixels: pool.pixels.slice(),
    labels: pool.labels.slice(),
    tokens: pool.tokens.slice(),
    pixelsPerImage: pool.pixelsPerImage,
    tags,
    duplicateOf: new Int32Array(count).fill(-1),
  };
  addDuplicates(pool, noisy, rng);
  addMismatchedCaptions(pool, noisy, rng);
  tags.forEach((tag, example) => {
    if (tag === CAPTION_TAG.junk) language.writeJunkCaption(rng, noisy.tokens, example);
  });
  return noisy;
}

function assignTags(counts: number[], rng: Rng): Uint8Array {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const order = rng.shuffle(Array.from({ length: total }, (_, example) => example));
  const tags = new Uint8Array(total);
  let at = 0;
  counts.forEach((tagCount, tag) => {
    for (let k = 0; k < tagCount; k++) tags[order[at++]] = tag;
  });
  return tags;
}

function addDuplicates(clean: CleanCaptionedPool, noisy: NoisyCaptionedPool, rng: Rng): void {
  const duplicates = indicesTagged(noisy.tags, CAPTION_TAG.duplicate);
  if (duplicates.length === 0) return;
  let candidates = indicesTagged(noisy.tags, CAPTION_TAG.clean);
  // With a clean rate of 0, copy any example that is not itself a duplicate (with its true caption).
  if (candidates.length === 0)
    candidates = Array.from(noisy.tags.keys()).filter((example) => noisy.tags[example] !== CAPTION_TAG.duplicate);
  if (candidates.length === 0)
    throw new UserInputError('data.noise.duplicate', 'duplicates need originals to copy: keep the duplicate rate below 1');
  const sourceCount = Math.min(candidates.length, Math.max(1, Math.round(DUPLICATE_SOURCE_FRACTION * noisy.tags.length)));
  const sources = Array.from(rng.sampleWithoutReplacement(candidates.length, sourceCount), (k) => candidates[k]);
  const width = clean.pixelsPerImage;
  const maxTokens = clean.tokens.length / clean.labels.length;
  for (const duplicate of duplicates) {
    const source = sources[rng.nextInt(sources.length)];
    for (let p = 0; p < width; p++) {
      const jittered = clean.pixels[source * width + p] + rng.nextInt(2 * DUPLICATE_JITTER + 1) - DUPLICATE_JITTER;
      noisy.pixels[duplicate * width + p] = Math.min(255, Math.max(0, jittered));
    }
    noisy.labels[duplicate] = clean.labels[source];
    noisy.tokens.set(clean.tokens.subarray(source * maxTokens, (source + 1) * maxTokens), duplicate * maxTokens);
    noisy.duplicateOf[duplicate] = source;
  }
}

function addMismatchedCaptions(clean: CleanCaptionedPool, noisy: NoisyCaptionedPool, rng: Rng): void {
  const mismatched = indicesTagged(noisy.tags, CAPTION_TAG.mismatched);
  if (mismatched.length === 0) return;
  // Pool indices grouped by class: another class's example is a uniform draw that skips
  // over the example's own class block.
  const byClass = Array.from(clean.labels.keys()).sort((a, b) => clean.labels[a] - clean.labels[b] || a - b);
  const blockStart = new Map<number, number>();
  const blockSize = new Map<number, number>();
  byClass.forEach((example, position) => {
    const label = clean.labels[example];
    if (!blockStart.has(label)) blockStart.set(label, position);
    blockSize.set(label, (blockSize.get(label) ?? 0) + 1);
  });
  if (blockSize.size < 2)
    throw new UserInputError('data.noise.mismatched', 'mismatched captions need a pool with at least two classes: set it to 0');
  const maxTokens = clean.tokens.length / clean.labels.length;
  for (const example of mismatched) {
    const label = clean.labels[example];
    const ownSize = blockSize.get(label) ?? 0;
    let position = rng.nextInt(byClass.length - ownSize);
    if (position >= (blockStart.get(label) ?? 0)) position += ownSize;
    const other = byClass[position];
    noisy.tokens.set(clean.tokens.subarray(other * maxTokens, (other + 1) * maxTokens), example * maxTokens);
  }
}

function indicesTagged(tags: Uint8Array, tag: number): number[] {
  const indices: number[] = [];
  tags.forEach((value, index) => {
    if (value === tag) indices.push(index);
  });
  return indices;
}
