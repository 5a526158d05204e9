import * as tf from '@tensorflow/tfjs-core';
import type { Resolution } from '@sieve/core';
import {
  Adam,
  ADAM_OPS_PER_PARAMETER,
  addFlops,
  addPasses,
  batchSigmoidLoss,
  denseFlops,
  l2NormaliseFlops,
  matMul2d,
  NO_PASS_FLOPS,
  pairwiseSigmoidLossValues,
  readScalar,
  readTidy,
  pairwiseSigmoidLossFlops,
  totalFlops,
  trainingFlops,
  withGradients,
  type FlopCount,
  type PassFlops,
} from './tensor/index';
import { createBlasTrainingStep } from './blas-training-step';
import { checkpointMethods, loadModelFromCheckpoint } from './checkpoint';
import { createImageTower } from './create-image-tower';
import type { PreparedImageTower } from './image-tower';
import { constant, glorotUniform } from './initializers';
import { l2Normalise } from './l2-normalise';
import { fineFirstOrder, reorderRows } from './mixed-resolution-batch';
import { pixelsOf, validateModelSpec, type ModelSpec } from './model-spec';
import { Parameters } from './parameters';
import { createTextTower } from './text-tower';
import { assertRows, minimiseOnce } from './training-step';

export interface ContrastiveFlops {
  /** Forward FLOPs of the image tower, projection and normalisation. */
  embedImages(count: number, resolution?: Resolution): number;
  embedTexts(count: number): number;
  /** The n x m similarity matrix and its losses. */
  pairwiseLosses(n: number, m: number, dim: number): number;
  /**
   * Forward and backward over the whole batch, plus the Adam update. The backward pass counts only
   * the gradients autodiff computes: none into the images or the bag of words (see `PassFlops`).
   */
  trainStep(count: number, coarseCount?: number): number;
}

/** The same counts split into matmul and element-wise FLOPs. */
export interface ContrastiveFlopCounts {
  embedImages(count: number, resolution?: Resolution): FlopCount;
  embedTexts(count: number): FlopCount;
  pairwiseLosses(n: number, m: number, dim: number): FlopCount;
  trainStep(count: number, coarseCount?: number): FlopCount;
}

export interface ContrastiveBatch {
  images: Float32Array;
  tokens: Int32Array;
  count: number;
  /** Per example; default all fine. */
  resolutions?: Resolution[];
}

/** A two-tower image–text model trained with the sigmoid loss. */
export interface ContrastiveModel {
  readonly kind: 'contrastive';
  readonly spec: ModelSpec;
  /** L2-normalised embeddings, count x embeddingDim, row-major. No gradient, no leaked tensors. */
  embedImages(images: Float32Array, count: number, resolution?: Resolution): Promise<Float32Array>;
  embedTexts(tokens: Int32Array, count: number): Promise<Float32Array>;
  /** N x N learner loss matrix L_ij for these N examples (images at `resolution`). */
  pairwiseLosses(images: Float32Array, tokens: Int32Array, count: number, resolution?: Resolution): Promise<Float32Array>;
  temperature(): Promise<number>;
  bias(): Promise<number>;
  /**
   * One Adam step on loss(S) = (1/|S|) sum L_ij; returns the loss before the step. A mixed batch
   * is trained with each image embedded at its resolution and one joint loss over the whole batch.
   */
  trainStep(batch: ContrastiveBatch, learningRate: number): Promise<number>;
  readonly flops: ContrastiveFlops;
  readonly flopCounts: ContrastiveFlopCounts;
  /** Whether `trainStep` takes the hand-written step of blas-training-step.ts for batches of fine images. */
  readonly trainsByHand: boolean;
  /** Number of trainable values. */
  parameterCount(): number;
  save(dir: string): Promise<void>;
  dispose(): void;
}

/** Learnable log-temperature and bias start at log 10 and -10. */
export const INITIAL_LOG_TEMPERATURE = Math.log(10);
export const INITIAL_BIAS = -10;

/** Images per forward call when embedding many (bounds memory, not results). */
const EMBEDDING_CHUNK = 1024;

/** Same spec and seed give identical initial weights. */
export function createContrastiveModel(spec: ModelSpec, seed: number): ContrastiveModel {
  validateModelSpec(spec, 'contrastive');
  return buildContrastiveModel(spec, seed);
}

/** Restores a model saved by `save`, weights and optimizer state, for the same spec. */
export async function loadContrastiveModel(dir: string, spec: ModelSpec): Promise<ContrastiveModel> {
  validateModelSpec(spec, 'contrastive');
  return loadModelFromCheckpoint(dir, 'contrastive', spec, buildContrastiveModel);
}

function buildContrastiveModel(spec: ModelSpec, seed: number) {
  const pixels = pixelsOf(spec);
  const { embeddingDim, maxTokens } = spec;
  const parameters = new Parameters(seed);
  const imageTower = createImageTower(parameters, spec);
  const projectionKernel = parameters.add('image.projection.kernel', [imageTower.featureDim, embeddingDim], (rng) =>
    glorotUniform(rng, imageTower.featureDim, embeddingDim),
  );
  const projectionBias = parameters.add('image.projection.bias', [embeddingDim], () => constant(embeddingDim, 0));
  const textTower = createTextTower(parameters, {
    vocabularySize: spec.vocabularySize,
    maxTokens,
    textEmbeddingDim: spec.textEmbeddingDim,
    hiddenDim: spec.hiddenDim,
    outputDim: embeddingDim,
  });
  const logTemperature = parameters.add('logTemperature', [], () => Float32Array.of(INITIAL_LOG_TEMPERATURE));
  const bias = parameters.add('bias', [], () => Float32Array.of(INITIAL_BIAS));
  const adam = new Adam(parameters.variables());
  // The same step written out by hand, where it applies (the default model on wasm-blas).
  const blasStep = createBlasTrainingStep(spec, parameters, adam);

  const imageEmbeddings = (prepared: PreparedImageTower, images: tf.Tensor2D): tf.Tensor2D =>
    l2Normalise(tf.add(matMul2d(prepared.apply(images), projectionKernel as tf.Tensor2D), projectionBias));
  const textEmbeddings = (tokens: Int32Array, count: number): tf.Tensor2D => l2Normalise(textTower.forward(tokens, count));
  const imagesTensor = (images: Float32Array, start: number, count: number) =>
    tf.tensor2d(images.subarray(start * pixels, (start + count) * pixels), [count, pixels]);

  /** Fine images first, then coarse, each through its own prepared tower, as one count x dim tensor. */
  const mixedImageEmbeddings = (images: Float32Array, count: number, fineCount: number): tf.Tensor2D => {
    const parts: tf.Tensor2D[] = [];
    if (fineCount > 0) parts.push(imageEmbeddings(imageTower.prepare('fine'), imagesTensor(images, 0, fineCount)));
    if (fineCount < count) {
      parts.push(imageEmbeddings(imageTower.prepare('coarse'), imagesTensor(images, fineCount, count - fineCount)));
    }
    return parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  };

  // Each part of the model, forward and backward: the features come from weights, so the
  // projection, the normalisation and the similarities pass gradients to both sides.
  const passes = {
    embedImages(count: number, resolution: Resolution): PassFlops {
      if (count === 0) return NO_PASS_FLOPS;
      return addPasses(
        imageTower.flops(count, resolution),
        withGradients(denseFlops(count, imageTower.featureDim, embeddingDim), 2),
        withGradients({ matmul: 0, elementwise: l2NormaliseFlops(count, embeddingDim) }, 0),
      );
    },
    embedTexts(count: number): PassFlops {
      if (count === 0) return NO_PASS_FLOPS;
      return addPasses(textTower.flops(count), withGradients({ matmul: 0, elementwise: l2NormaliseFlops(count, embeddingDim) }, 0));
    },
    pairwiseLosses: (n: number, m: number, dim: number): PassFlops => withGradients(pairwiseSigmoidLossFlops(n, m, dim), 2),
  };
  const flopCounts: ContrastiveFlopCounts = {
    embedImages: (count, resolution = 'fine') => passes.embedImages(count, resolution).forward,
    embedTexts: (count) => passes.embedTexts(count).forward,
    pairwiseLosses: (n, m, dim) => passes.pairwiseLosses(n, m, dim).forward,
    trainStep(count, coarseCount = 0) {
      const step = addPasses(
        passes.embedImages(count - coarseCount, 'fine'),
        passes.embedImages(coarseCount, 'coarse'),
        passes.embedTexts(count),
        passes.pairwiseLosses(count, count, embeddingDim),
      );
      return addFlops(trainingFlops(step), { matmul: 0, elementwise: ADAM_OPS_PER_PARAMETER * parameters.size() });
    },
  };

  const temperatureValue = async () => Math.exp(await readScalar(logTemperature));

  const model = {
    kind: 'contrastive' as const,
    spec,
    async embedImages(images: Float32Array, count: number, resolution: Resolution = 'fine'): Promise<Float32Array> {
      assertRows('images', images, count, pixels);
      const result = new Float32Array(count * embeddingDim);
      for (let start = 0; start < count; start += EMBEDDING_CHUNK) {
        const chunk = Math.min(EMBEDDING_CHUNK, count - start);
        // Each chunk prepares the tower again (a resize at coarse resolution): a tidy cannot span a read.
        result.set(await readTidy(() => imageEmbeddings(imageTower.prepare(resolution), imagesTensor(images, start, chunk))), start * embeddingDim);
      }
      return result;
    },
    async embedTexts(tokens: Int32Array, count: number): Promise<Float32Array> {
      assertRows('tokens', tokens, count, maxTokens);
      const result = new Float32Array(count * embeddingDim);
      for (let start = 0; start < count; start += EMBEDDING_CHUNK) {
        const chunk = Math.min(EMBEDDING_CHUNK, count - start);
        const rows = tokens.subarray(start * maxTokens, (start + chunk) * maxTokens);
        result.set(await readTidy(() => textEmbeddings(rows, chunk)), start * embeddingDim);
      }
      return result;
    },
    async pairwiseLosses(images: Float32Array, tokens: Int32Array, count: number, resolution: Resolution = 'fine'): Promise<Float32Array> {
      assertRows('images', images, count, pixels);
      assertRows('tokens', tokens, count, maxTokens);
      // Embedded in a tidy, then scored outside it: tidy walks whatever its callback returns.
      const [x, y] = tf.tidy(() => [
        imageEmbeddings(imageTower.prepare(resolution), imagesTensor(images, 0, count)),
        textEmbeddings(tokens, count),
      ]);
      try {
        const [t, b] = await Promise.all([temperatureValue(), readScalar(bias)]);
        return await pairwiseSigmoidLossValues(x, y, t, b);
      } finally {
        x.dispose();
        y.dispose();
      }
    },
    temperature: temperatureValue,
    bias: () => readScalar(bias),
    async trainStep(batch: ContrastiveBatch, learningRate: number): Promise<number> {
      const { count } = batch;
      if (count < 1) throw new RangeError('a training batch needs at least one example');
      assertRows('images', batch.images, count, pixels);
      assertRows('tokens', batch.tokens, count, maxTokens);
      if (blasStep?.accepts(batch.resolutions)) return blasStep.train(batch.images, batch.tokens, count, learningRate);
      const { order, fineCount } = fineFirstOrder(batch.resolutions, count);
      const images = reorderRows(batch.images, pixels, order);
      const tokens = reorderRows(batch.tokens, maxTokens, order);
      return minimiseOnce(
        adam,
        parameters.variables(),
        () =>
          batchSigmoidLoss(
            mixedImageEmbeddings(images, count, fineCount),
            textEmbeddings(tokens, count),
            logTemperature as tf.Scalar,
            bias as tf.Scalar,
          ),
        learningRate,
      );
    },
    flops: {
      embedImages: (count: number, resolution?: Resolution) => totalFlops(flopCounts.embedImages(count, resolution)),
      embedTexts: (count: number) => totalFlops(flopCounts.embedTexts(count)),
      pairwiseLosses: (n: number, m: number, dim: number) => totalFlops(flopCounts.pairwiseLosses(n, m, dim)),
      trainStep: (count: number, coarseCount?: number) => totalFlops(flopCounts.trainStep(count, coarseCount)),
    },
    flopCounts,
    trainsByHand: blasStep !== null,
    parameterCount: () => parameters.size(),
    ...checkpointMethods('contrastive', spec, parameters, adam),
    dispose(): void {
      blasStep?.dispose();
      adam.dispose();
      imageTower.dispose();
      parameters.dispose();
    },
  };
  return model;
}
