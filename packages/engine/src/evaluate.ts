import * as tf from '@tensorflow/tfjs-core';
import type { RetrievalFigures } from '@sieve/core';
import { matMul2dTransposed, readTidy, type ClassifierModel, type ContrastiveModel } from '@sieve/models';
import type { ClassificationDataset, ContrastiveDataset } from '@sieve/data';
import { pixelsOfDataset } from './pool-rows';
import { retrievalRecall } from './retrieval';

export interface ContrastiveEvaluation {
  /** Null when the data has no class prompts. */
  zeroShotAccuracy: number | null;
  /** Null when the data has no class x attribute concepts. */
  attributeZeroShotAccuracy: number | null;
  /** Present when the test set has captions to retrieve (task `files`). */
  retrieval: RetrievalFigures | null;
  score: number;
  flops: number;
}

export interface ClassificationEvaluation {
  testAccuracy: number;
  score: number;
  flops: number;
}

const IMAGE_CHUNK = 2000;

/**
 * A contrastive model on the test set, always at the fine resolution. With captioned test data
 * (task `files`): image-text retrieval, the score being the mean of the two recall@1, and zero-shot
 * accuracy too when classes are named. Otherwise zero-shot evaluation as in the benchmark protocol.
 */
export async function evaluateContrastive(
  model: ContrastiveModel,
  dataset: ContrastiveDataset,
  dim: number,
  testLimit?: number,
  retrievalLimit = Infinity,
): Promise<ContrastiveEvaluation> {
  const zeroShot = await evaluateZeroShot(model, dataset, dim, testLimit);
  const captioned = dataset.test.captioned;
  if (!captioned) return { ...zeroShot, retrieval: null, score: (zeroShot.zeroShotAccuracy! + zeroShot.attributeZeroShotAccuracy!) / 2 };
  const count = Math.min(testLimit ?? dataset.test.count, retrievalLimit, dataset.test.count);
  const pixels = pixelsOfDataset(dataset);
  const images = new Float32Array(count * dim);
  const texts = new Float32Array(count * dim);
  for (let start = 0; start < count; start += IMAGE_CHUNK) {
    const chunk = Math.min(IMAGE_CHUNK, count - start);
    images.set(await model.embedImages(dataset.test.images.subarray(start * pixels, (start + chunk) * pixels), chunk), start * dim);
    texts.set(await model.embedTexts(captioned.tokens.subarray(start * dataset.maxTokens, (start + chunk) * dataset.maxTokens), chunk), start * dim);
  }
  const recall = retrievalRecall(images, texts, captioned.captionGroups.subarray(0, count), count, dim);
  const retrievalFlops = model.flops.embedImages(count) + model.flops.embedTexts(count) + 2 * 2 * count * count * dim;
  return {
    zeroShotAccuracy: zeroShot.zeroShotAccuracy,
    attributeZeroShotAccuracy: zeroShot.attributeZeroShotAccuracy,
    retrieval: { imageToText: recall.imageToText, textToImage: recall.textToImage },
    score: recall.score,
    flops: retrievalFlops + zeroShot.flops,
  };
}

/**
 * Zero-shot accuracy: one prompt set per class (and per class x attribute concept), the prompt
 * embeddings averaged and re-normalised, and each test image assigned to the most similar prompt.
 * An accuracy is null where the data has no prompts for it.
 */
async function evaluateZeroShot(
  model: ContrastiveModel,
  dataset: ContrastiveDataset,
  dim: number,
  testLimit?: number,
): Promise<{ zeroShotAccuracy: number | null; attributeZeroShotAccuracy: number | null; flops: number }> {
  if (dataset.zeroShot.classPrompts.length === 0) return { zeroShotAccuracy: null, attributeZeroShotAccuracy: null, flops: 0 };
  const classEmbeddings = await averagedPromptEmbeddings(model, dataset.zeroShot.classPrompts, dataset.maxTokens, dim);
  const conceptEmbeddings = await averagedPromptEmbeddings(model, dataset.zeroShot.conceptPrompts, dataset.maxTokens, dim);
  const count = Math.min(testLimit ?? dataset.test.count, dataset.test.count);
  const pixels = pixelsOfDataset(dataset);
  let classCorrect = 0;
  let conceptCorrect = 0;
  for (let start = 0; start < count; start += IMAGE_CHUNK) {
    const chunk = Math.min(IMAGE_CHUNK, count - start);
    const images = await model.embedImages(dataset.test.images.subarray(start * pixels, (start + chunk) * pixels), chunk);
    const nearestClass = await nearestRows(images, chunk, classEmbeddings, dim);
    const nearestConcept = await nearestRows(images, chunk, conceptEmbeddings, dim);
    for (let i = 0; i < chunk; i++) {
      if (nearestClass[i] === dataset.test.labels[start + i]) classCorrect++;
      if (nearestConcept[i] === dataset.test.concepts[start + i]) conceptCorrect++;
    }
  }
  const promptCount = [...dataset.zeroShot.classPrompts, ...dataset.zeroShot.conceptPrompts].reduce(
    (sum, prompts) => sum + prompts.length / dataset.maxTokens,
    0,
  );
  const classes = dataset.zeroShot.classPrompts.length;
  const concepts = dataset.zeroShot.conceptPrompts.length;
  const flops =
    model.flops.embedImages(count) + model.flops.embedTexts(promptCount) + 2 * count * (classes + concepts) * dim;
  return {
    zeroShotAccuracy: classCorrect / count,
    attributeZeroShotAccuracy: concepts > 0 ? conceptCorrect / count : null,
    flops,
  };
}

export async function evaluateClassifier(
  model: ClassifierModel,
  dataset: ClassificationDataset,
  testLimit?: number,
): Promise<ClassificationEvaluation> {
  const count = Math.min(testLimit ?? dataset.test.count, dataset.test.count);
  const pixels = dataset.imageSide * dataset.imageSide;
  let correct = 0;
  for (let start = 0; start < count; start += IMAGE_CHUNK) {
    const chunk = Math.min(IMAGE_CHUNK, count - start);
    const predicted = await model.predict(dataset.test.images.subarray(start * pixels, (start + chunk) * pixels), chunk);
    for (let i = 0; i < chunk; i++) if (predicted[i] === dataset.test.labels[start + i]) correct++;
  }
  const testAccuracy = correct / count;
  return { testAccuracy, score: testAccuracy, flops: model.flops.forward(count) };
}

/** One unit vector per prompt set: the mean of its prompts' embeddings, re-normalised. */
export async function averagedPromptEmbeddings(
  model: ContrastiveModel,
  promptSets: readonly Int32Array[],
  maxTokens: number,
  dim: number,
): Promise<Float32Array> {
  const out = new Float32Array(promptSets.length * dim);
  for (const [setIndex, prompts] of promptSets.entries()) {
    const count = prompts.length / maxTokens;
    const embeddings = await model.embedTexts(prompts, count);
    const mean = out.subarray(setIndex * dim, (setIndex + 1) * dim);
    for (let p = 0; p < count; p++) for (let d = 0; d < dim; d++) mean[d] += embeddings[p * dim + d];
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += mean[d] * mean[d];
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) mean[d] /= norm;
  }
  return out;
}

/**
 * For each of the `count` vectors, the index of the row of `table` with the largest dot product
 * (ties to the lower index): one matrix product on the tensor backend, then an argmax per row.
 */
export async function nearestRows(vectors: Float32Array, count: number, table: Float32Array, dim: number): Promise<Int32Array> {
  const rows = table.length / dim;
  const nearest = new Int32Array(count);
  if (rows === 0) return nearest.fill(-1);
  const products = await readTidy(() => matMul2dTransposed(tf.tensor2d(vectors.subarray(0, count * dim), [count, dim]), tf.tensor2d(table, [rows, dim])));
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let r = 1; r < rows; r++) if (products[i * rows + r] > products[i * rows + best]) best = r;
    nearest[i] = best;
  }
  return nearest;
}
