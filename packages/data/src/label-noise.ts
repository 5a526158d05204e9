import { Rng, UserInputError } from '@sieve/core';

export const LABEL_TAG_NAMES = ['clean', 'flipped'] as const;
export const LABEL_TAG = { clean: 0, flipped: 1 } as const;

/** Label noise is fixed by this seed, not the run seed. */
export const LABEL_NOISE_SEED = 2;

export interface FlippedLabels {
  labels: Int32Array;
  /** Index into LABEL_TAG_NAMES per example. */
  tags: Uint8Array;
}

/**
 * Flips round(fraction * count) labels, at random positions, each to a uniformly random
 * other class. The input is not modified.
 */
export function flipLabels(
  trueLabels: Int32Array,
  classCount: number,
  fraction: number,
  seed = LABEL_NOISE_SEED,
): FlippedLabels {
  if (!(fraction >= 0 && fraction <= 1)) throw new UserInputError('data.labelNoise', `must be between 0 and 1, got ${fraction}`);
  const flipCount = Math.round(fraction * trueLabels.length);
  if (flipCount > 0 && classCount < 2)
    throw new UserInputError('data.labelNoise', 'flipping a label needs at least two classes: set it to 0');
  const rng = new Rng(seed);
  const labels = trueLabels.slice();
  const tags = new Uint8Array(trueLabels.length);
  for (const example of rng.sampleWithoutReplacement(trueLabels.length, flipCount)) {
    labels[example] = (trueLabels[example] + 1 + rng.nextInt(classCount - 1)) % classCount;
    tags[example] = LABEL_TAG.flipped;
  }
  return { labels, tags };
}
