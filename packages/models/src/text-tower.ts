import * as tf from '@tensorflow/tfjs-core';
import { addFlops, denseFlops, matMul2d, matmulFlops, type FlopCount } from '@sieve/tensor';
import { constant, glorotUniform, heUniform } from './initializers';
import type { Parameters } from './parameters';
import { PAD_TOKEN_ID } from './model-spec';

export interface TextTowerShape {
  vocabularySize: number;
  maxTokens: number;
  textEmbeddingDim: number;
  hiddenDim: number;
  outputDim: number;
}

export interface TextTower {
  /** Token ids (count x maxTokens, row-major) to count x outputDim (not normalised). */
  forward(tokens: Int32Array, count: number): tf.Tensor2D;
  flops(count: number): FlopCount;
}

/**
 * Token embeddings averaged over the non-padding tokens, then an MLP (ReLU) to outputDim.
 * The masked mean of one-hot rows times the embedding table equals the normalised
 * bag-of-words row times the table, which is built on the JS side: one small matmul, and the
 * table gets its gradient without `gather` (which has none on the wasm backend).
 */
export function createTextTower(parameters: Parameters, shape: TextTowerShape, prefix = 'text'): TextTower {
  const { vocabularySize, maxTokens, textEmbeddingDim, hiddenDim, outputDim } = shape;
  const table = parameters.add(`${prefix}.token.embedding`, [vocabularySize, textEmbeddingDim], (rng) =>
    glorotUniform(rng, vocabularySize, textEmbeddingDim),
  );
  const hiddenKernel = parameters.add(`${prefix}.hidden.kernel`, [textEmbeddingDim, hiddenDim], (rng) =>
    heUniform(rng, textEmbeddingDim, hiddenDim),
  );
  const hiddenBias = parameters.add(`${prefix}.hidden.bias`, [hiddenDim], () => constant(hiddenDim, 0));
  const outputKernel = parameters.add(`${prefix}.output.kernel`, [hiddenDim, outputDim], (rng) =>
    glorotUniform(rng, hiddenDim, outputDim),
  );
  const outputBias = parameters.add(`${prefix}.output.bias`, [outputDim], () => constant(outputDim, 0));

  return {
    forward(tokens: Int32Array, count: number): tf.Tensor2D {
      const bag = tf.tensor2d(bagOfWords(tokens, count, maxTokens, vocabularySize), [count, vocabularySize]);
      const meanEmbedding = matMul2d(bag, table as tf.Tensor2D, 'b');
      const hidden = tf.relu(tf.add(matMul2d(meanEmbedding, hiddenKernel as tf.Tensor2D), hiddenBias)) as tf.Tensor2D;
      return tf.add(matMul2d(hidden, outputKernel as tf.Tensor2D), outputBias);
    },
    flops(count: number): FlopCount {
      if (count === 0) return { matmul: 0, elementwise: 0 };
      return addFlops(
        { matmul: matmulFlops(count, vocabularySize, textEmbeddingDim), elementwise: count * maxTokens },
        denseFlops(count, textEmbeddingDim, hiddenDim, 1),
        denseFlops(count, hiddenDim, outputDim),
      );
    },
  };
}

/**
 * Row i holds, for each word, its count among caption i's non-padding tokens divided by the
 * number of those tokens (all zeros for an all-padding caption).
 */
export function bagOfWords(tokens: Int32Array, count: number, maxTokens: number, vocabularySize: number): Float32Array {
  if (tokens.length < count * maxTokens) {
    throw new RangeError(`expected ${count} x ${maxTokens} tokens, got ${tokens.length}`);
  }
  const bag = new Float32Array(count * vocabularySize);
  for (let i = 0; i < count; i++) {
    let words = 0;
    for (let t = 0; t < maxTokens; t++) {
      const id = tokens[i * maxTokens + t];
      if (id === PAD_TOKEN_ID) continue;
      if (!(id > 0 && id < vocabularySize)) {
        throw new RangeError(`token id ${id} (caption ${i}) is outside the vocabulary of ${vocabularySize} words`);
      }
      bag[i * vocabularySize + id] += 1;
      words += 1;
    }
    if (words > 0) for (let w = 0; w < vocabularySize; w++) bag[i * vocabularySize + w] /= words;
  }
  return bag;
}
