import * as tf from '@tensorflow/tfjs-core';
import { addPasses, denseFlops, matMul2d, matmulFlops, NO_PASS_FLOPS, withGradients, type PassFlops } from './tensor/index';
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
  /** Forward and backward FLOPs of `forward` on `count` captions. */
  flops(count: number): PassFlops;
}

/**
 * Token embeddings averaged over the non-padding tokens, then an MLP (ReLU) to outputDim.
 * For a small vocabulary the masked mean is the normalised bag-of-words row times the table, built
 * on the JS side: one small matmul, and the table gets its gradient without `gather` (which has
 * none on the wasm backend). A large vocabulary (task `files` keeps 8,192 words) would make that
 * product count x V x dim, so there the rows are gathered and the gradient scattered back by hand
 * (`sparseMeanEmbedding`), which costs count x maxTokens x dim whatever the vocabulary.
 */
/**
 * Above this many words the tower gathers rows instead of multiplying a bag of words. With 8,194
 * words a learner step (b = 128) took 35.4 ms the dense way and 26.2 ms gathering, and embedding
 * 640 captions 31.6 and 3.4 ms; with 1,024 words the dense way is as fast (24.0 ms, 4.7 ms) and
 * with 100 faster (1.9 ms against 3.1 to embed) (tools/bench/text-tower.ts).
 */
export const SPARSE_TEXT_VOCABULARY = 1024;

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
  const sparse = vocabularySize > SPARSE_TEXT_VOCABULARY;

  return {
    forward(tokens: Int32Array, count: number): tf.Tensor2D {
      const meanEmbedding = sparse
        ? sparseMeanEmbedding(table as tf.Tensor2D, tokens, count, maxTokens)
        : matMul2d(tf.tensor2d(bagOfWords(tokens, count, maxTokens, vocabularySize), [count, vocabularySize]), table as tf.Tensor2D, 'b');
      const hidden = tf.relu(tf.add(matMul2d(meanEmbedding, hiddenKernel as tf.Tensor2D), hiddenBias)) as tf.Tensor2D;
      return tf.add(matMul2d(hidden, outputKernel as tf.Tensor2D), outputBias);
    },
    flops(count: number): PassFlops {
      if (count === 0) return NO_PASS_FLOPS;
      const meanEmbedding = sparse
        ? withGradients({ matmul: 0, elementwise: 2 * count * maxTokens * textEmbeddingDim }, 0)
        : addPasses(
            // The bag of words is data (built on the host): the table's gradient only.
            withGradients({ matmul: matmulFlops(count, vocabularySize, textEmbeddingDim), elementwise: 0 }, 1),
            withGradients({ matmul: 0, elementwise: count * maxTokens }, 0, false),
          );
      // Both layers' inputs come from the table: their input gradients are computed too.
      return addPasses(meanEmbedding, withGradients(denseFlops(count, textEmbeddingDim, hiddenDim, 1), 2), withGradients(denseFlops(count, hiddenDim, outputDim), 2));
    },
  };
}

/**
 * Row i holds, for each word, its count among caption i's non-padding tokens divided by the
 * number of those tokens (all zeros for an all-padding caption). Written into `bag` when given.
 */
export function bagOfWords(
  tokens: Int32Array,
  count: number,
  maxTokens: number,
  vocabularySize: number,
  bag: Float32Array = new Float32Array(count * vocabularySize),
): Float32Array {
  if (tokens.length < count * maxTokens) {
    throw new RangeError(`expected ${count} x ${maxTokens} tokens, got ${tokens.length}`);
  }
  bag.fill(0, 0, count * vocabularySize);
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

/**
 * The masked mean of each caption's token rows of `table` (count x dim): rows gathered and
 * weighted by 1 / (non-padding tokens), padding weighted 0. Its gradient scatters each caption's
 * gradient back onto its tokens' rows (ScatterNd sums repeated ids), since `gather` has no gradient
 * on the wasm backend.
 */
export function sparseMeanEmbedding(table: tf.Tensor2D, tokens: Int32Array, count: number, maxTokens: number): tf.Tensor2D {
  const [vocabularySize, dim] = table.shape;
  const weights = new Float32Array(count * maxTokens);
  const ids = new Int32Array(count * maxTokens);
  for (let i = 0; i < count; i++) {
    let words = 0;
    for (let t = 0; t < maxTokens; t++) {
      const id = tokens[i * maxTokens + t];
      if (id === PAD_TOKEN_ID) continue;
      if (!(id > 0 && id < vocabularySize)) throw new RangeError(`token id ${id} (caption ${i}) is outside the vocabulary of ${vocabularySize} words`);
      ids[i * maxTokens + t] = id;
      words++;
    }
    for (let t = 0; t < maxTokens; t++) if (ids[i * maxTokens + t] !== 0) weights[i * maxTokens + t] = 1 / words;
  }
  const mean = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [rows, save] = inputs as [tf.Tensor, tf.GradSaveFunc];
    // Made here and saved, so that they live as long as the gradient needs them.
    const idTensor = tf.tensor2d(ids, [count * maxTokens, 1], 'int32');
    const weightTensor = tf.tensor3d(weights, [count, maxTokens, 1]);
    save([idTensor, weightTensor]);
    // gatherND and a broadcast product, not gather and tile: on wasm those took 37 and 57 ms for
    // 640 captions where these take 0.6 and 2.8.
    const gathered = tf.reshape(tf.gatherND(rows, idTensor), [count, maxTokens, dim]);
    return {
      value: tf.sum(tf.mul(gathered, weightTensor), 1),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedIds, savedWeights] = saved;
        const perToken = tf.reshape(tf.mul(tf.expandDims(dy, 1), savedWeights), [count * maxTokens, dim]);
        return tf.scatterND(savedIds, perToken, [vocabularySize, dim]);
      },
    };
  });
  return mean(table) as tf.Tensor2D;
}
