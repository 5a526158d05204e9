import { UserInputError } from '@sieve/core';

/** The model's shape: `RunConfig.model` plus the facts the dataset fixes. */
export interface ModelSpec {
  /** Images are imageSide x imageSide (28 for Fashion-MNIST). */
  imageSide: number;
  /** Values per pixel, interleaved: 1 (gray) or 3 (RGB); unset means 1. */
  imageChannels?: number;
  imageTower: 'mlp' | 'flexivit';
  embeddingDim: number;
  hiddenDim: number;
  textEmbeddingDim: number;
  /** FlexiViT's fine patch size; its patch-embedding kernel is stored at this size. */
  patchSize: number;
  /** FlexiViT's coarse patch size, for cheap scoring. */
  coarsePatchSize: number;
  vitDim: number;
  vitDepth: number;
  vitHeads: number;
  /** Contrastive only: token ids are in [0, vocabularySize), id 0 is padding. */
  vocabularySize: number;
  /** Contrastive only: tokens per caption (padded). */
  maxTokens: number;
  /** Classification only. */
  classCount: number;
}

/** Token id 0 pads captions to maxTokens; the text tower ignores it. */
export const PAD_TOKEN_ID = 0;

/** Throws UserInputError naming the config field for settings that cannot make a model. */
export function validateModelSpec(spec: ModelSpec, kind: 'contrastive' | 'classification'): void {
  if (!Number.isInteger(spec.imageSide) || spec.imageSide < 1) {
    throw new RangeError(`image side must be a positive integer, got ${spec.imageSide}`);
  }
  if (spec.imageTower === 'flexivit') {
    for (const field of ['patchSize', 'coarsePatchSize'] as const) {
      const patch = spec[field];
      if (!Number.isInteger(patch) || patch < 1 || spec.imageSide % patch !== 0) {
        throw new UserInputError(
          `model.${field}`,
          `${patch} does not divide the image side ${spec.imageSide}; use one of ${divisorsOf(spec.imageSide).join(', ')}.`,
        );
      }
    }
    if (spec.vitDim % spec.vitHeads !== 0) {
      throw new UserInputError(
        'model.vitHeads',
        `${spec.vitHeads} heads do not divide model.vitDim = ${spec.vitDim}; pick a number of heads that divides it.`,
      );
    }
  } else if (spec.imageTower !== 'mlp') {
    throw new UserInputError('model.imageTower', `"${String(spec.imageTower)}" is not a tower; use "mlp" or "flexivit".`);
  }
  if (kind === 'contrastive' && (spec.vocabularySize < 2 || spec.maxTokens < 1)) {
    throw new RangeError(`a contrastive model needs a vocabulary and captions, got ${spec.vocabularySize} words x ${spec.maxTokens} tokens`);
  }
  if (kind === 'classification' && spec.classCount < 2) {
    throw new RangeError(`a classifier needs at least 2 classes, got ${spec.classCount}`);
  }
}

export function divisorsOf(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}

/** Values per image: side x side x channels. */
export function pixelsOf(spec: Pick<ModelSpec, 'imageSide' | 'imageChannels'>): number {
  return spec.imageSide * spec.imageSide * (spec.imageChannels ?? 1);
}
