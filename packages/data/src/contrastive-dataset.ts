import { Rng } from '@sieve/core';
import { CaptionLanguage } from './caption-language';
import { CAPTION_TAG_NAMES, NOISE_SEED, addCaptionNoise } from './caption-noise';
import type { NoiseRates } from './caption-noise';
import { conceptIdOf } from './caption-templates';
import { attributeBins, attributeThresholds, measureImages } from './image-attributes';
import type { AttributeBins } from './image-attributes';
import { gatherRows, imageSplitOf, pixelsToUnit } from './image-split';
import { splitByClass } from './split';
import type { ContrastiveDataset, LabelledImages } from './types';

/** Template and noun choices of true captions are fixed by this seed, not the run seed. */
export const CAPTION_SEED = 3;

export interface ContrastiveDatasetOptions {
  name: string;
  /** Class names in label order; there must be one for every label. */
  classNames: readonly string[];
  /** Per class, the nouns its captions use; defaults to the class name alone. */
  classNouns?: readonly (readonly string[])[];
  noise: NoiseRates;
  /** Defaults to NOISE_SEED; only tests should change it. */
  noiseSeed?: number;
}

/**
 * Builds a captioned dataset from labelled images: the fixed split, true captions from each
 * image's class and attributes, noise in the pool only, and the zero-shot prompts.
 * Deterministic: the same images and options give identical arrays.
 */
export function buildContrastiveDataset(source: LabelledImages, options: ContrastiveDatasetOptions): ContrastiveDataset {
  const classCount = options.classNames.length;
  const pixelsPerImage = source.side * source.side;
  const measurements = measureImages(source.pixels, pixelsPerImage);
  const bins = attributeBins(measurements, source.labels, attributeThresholds(measurements, source.labels, classCount));
  const split = splitByClass(source.labels, classCount);
  const language = new CaptionLanguage(options.classNouns ?? options.classNames.map((name) => [name.toLowerCase()]));
  const captionRng = new Rng(CAPTION_SEED);
  const referenceTokens = trueCaptions(language, source.labels, bins, split.reference, captionRng);
  const poolTokens = trueCaptions(language, source.labels, bins, split.pool, captionRng);

  const noisyPool = addCaptionNoise(
    {
      pixels: gatherRows(source.pixels, pixelsPerImage, split.pool),
      labels: gatherRows(source.labels, 1, split.pool),
      tokens: poolTokens,
      pixelsPerImage,
    },
    options.noise,
    language,
    options.noiseSeed ?? NOISE_SEED,
  );
  const test = imageSplitOf(source, split.test);
  const concepts = Int32Array.from(split.test, (image) =>
    conceptIdOf(source.labels[image], bins.brightness[image], bins.size[image]),
  );
  return {
    kind: 'contrastive',
    name: options.name,
    imageSide: source.side,
    classNames: [...options.classNames],
    vocabulary: [...language.vocabulary.words],
    maxTokens: language.maxTokens,
    pool: {
      count: split.pool.length,
      images: pixelsToUnit(noisyPool.pixels),
      labels: noisyPool.labels,
      tokens: noisyPool.tokens,
      tagNames: [...CAPTION_TAG_NAMES],
      tags: noisyPool.tags,
      duplicateOf: noisyPool.duplicateOf,
    },
    reference: { ...imageSplitOf(source, split.reference), tokens: referenceTokens },
    test: { ...test, concepts },
    zeroShot: {
      classPrompts: language.classPrompts(),
      conceptPrompts: language.conceptPrompts(),
      conceptNames: language.conceptNames(options.classNames),
    },
    droppedEntries: source.droppedEntries,
  };
}

function trueCaptions(
  language: CaptionLanguage,
  labels: Int32Array,
  bins: AttributeBins,
  images: Int32Array,
  rng: Rng,
): Int32Array {
  const tokens = new Int32Array(images.length * language.maxTokens);
  images.forEach((image, row) => {
    const meaning = language.randomMeaning(rng, labels[image], bins.brightness[image], bins.size[image]);
    language.writeCaption(meaning, tokens, row);
  });
  return tokens;
}
