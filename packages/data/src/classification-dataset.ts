import { imageSplitOf } from './image-split';
import { LABEL_NOISE_SEED, LABEL_TAG_NAMES, flipLabels } from './label-noise';
import { splitByClass } from './split';
import type { ClassificationDataset, LabelledImages } from './types';

export interface ClassificationDatasetOptions {
  name: string;
  classNames: readonly string[];
  /** Fraction of pool labels flipped to another class. */
  labelNoise: number;
  /** Defaults to LABEL_NOISE_SEED; only tests should change it. */
  labelNoiseSeed?: number;
}

/** The same split as the captioned dataset, with labels instead of captions and flips in the pool only. */
export function buildClassificationDataset(
  source: LabelledImages,
  options: ClassificationDatasetOptions,
): ClassificationDataset {
  const classCount = options.classNames.length;
  const split = splitByClass(source.labels, classCount);
  const pool = imageSplitOf(source, split.pool);
  const flipped = flipLabels(pool.labels, classCount, options.labelNoise, options.labelNoiseSeed ?? LABEL_NOISE_SEED);
  return {
    kind: 'classification',
    name: options.name,
    imageSide: source.side,
    classNames: [...options.classNames],
    pool: {
      ...pool,
      labels: flipped.labels,
      trueLabels: pool.labels,
      tagNames: [...LABEL_TAG_NAMES],
      tags: flipped.tags,
    },
    reference: imageSplitOf(source, split.reference),
    test: imageSplitOf(source, split.test),
    droppedEntries: source.droppedEntries,
  };
}
