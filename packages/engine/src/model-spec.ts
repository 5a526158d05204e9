import type { RunConfig } from '@sieve/core';
import type { Dataset } from '@sieve/data';
import type { ModelSpec } from '@sieve/models';

/** The model's shape: the run's `model` settings plus what the dataset fixes. */
export function modelSpecOf(config: RunConfig, dataset: Dataset): ModelSpec {
  return {
    imageSide: dataset.imageSide,
    imageChannels: dataset.kind === 'contrastive' ? dataset.imageChannels : undefined,
    imageTower: config.model.imageTower,
    embeddingDim: config.model.embeddingDim,
    hiddenDim: config.model.hiddenDim,
    textEmbeddingDim: config.model.textEmbeddingDim,
    patchSize: config.model.patchSize,
    coarsePatchSize: config.model.coarsePatchSize,
    vitDim: config.model.vitDim,
    vitDepth: config.model.vitDepth,
    vitHeads: config.model.vitHeads,
    vocabularySize: dataset.kind === 'contrastive' ? dataset.vocabulary.length : 0,
    maxTokens: dataset.kind === 'contrastive' ? dataset.maxTokens : 0,
    classCount: dataset.classNames.length,
  };
}

/** The reference model's shape: the learner's architecture at the reference's own sizes. */
export function referenceSpecOf(config: RunConfig, learnerSpec: ModelSpec): ModelSpec {
  const { hiddenDim, embeddingDim, textEmbeddingDim } = config.reference;
  return { ...learnerSpec, hiddenDim, embeddingDim, textEmbeddingDim: textEmbeddingDim ?? learnerSpec.textEmbeddingDim };
}
