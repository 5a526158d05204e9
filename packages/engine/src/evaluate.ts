import type { ClassificationDataset, ContrastiveDataset } from '@sieve/data';
import type { ClassifierModel, ContrastiveModel } from '@sieve/models';

export interface ContrastiveEvaluation {
  zeroShotAccuracy: number;
  attributeZeroShotAccuracy: number;
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
 * Zero-shot evaluation as in the benchmark protocol: one prompt set per class (and per
 * class x attribute concept), the prompt embeddings averaged and re-normalised, and each test
 * image assigned to the most similar prompt. Always at the fine resolution.
 */
export async function evaluateContrastive(
  model: ContrastiveModel,
  dataset: ContrastiveDataset,
  dim: number,
  testLimit?: number,
): Promise<ContrastiveEvaluation> {
  const classEmbeddings = await averagedPromptEmbeddings(model, dataset.zeroShot.classPrompts, dataset.maxTokens, dim);
  const conceptEmbeddings = await averagedPromptEmbeddings(model, dataset.zeroShot.conceptPrompts, dataset.maxTokens, dim);
  const count = Math.min(testLimit ?? dataset.test.count, dataset.test.count);
  const pixels = dataset.imageSide * dataset.imageSide;
  let classCorrect = 0;
  let conceptCorrect = 0;
  for (let start = 0; start < count; start += IMAGE_CHUNK) {
    const chunk = Math.min(IMAGE_CHUNK, count - start);
    const images = await model.embedImages(dataset.test.images.subarray(start * pixels, (start + chunk) * pixels), chunk);
    for (let i = 0; i < chunk; i++) {
      const row = images.subarray(i * dim, (i + 1) * dim);
      if (argmaxDot(row, classEmbeddings, dim) === dataset.test.labels[start + i]) classCorrect++;
      if (argmaxDot(row, conceptEmbeddings, dim) === dataset.test.concepts[start + i]) conceptCorrect++;
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
  const zeroShotAccuracy = classCorrect / count;
  const attributeZeroShotAccuracy = conceptCorrect / count;
  return {
    zeroShotAccuracy,
    attributeZeroShotAccuracy,
    score: (zeroShotAccuracy + attributeZeroShotAccuracy) / 2,
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

/** Index of the row of `table` most similar to `vector` (ties to the lower index). */
export function argmaxDot(vector: Float32Array, table: Float32Array, dim: number): number {
  let best = -1;
  let bestValue = -Infinity;
  const rows = table.length / dim;
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += vector[d] * table[r * dim + d];
    if (dot > bestValue) {
      bestValue = dot;
      best = r;
    }
  }
  return best;
}
