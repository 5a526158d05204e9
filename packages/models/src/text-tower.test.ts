import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { initBackend } from './tensor/index';
import { Parameters } from './parameters';
import { SPARSE_TEXT_VOCABULARY, bagOfWords, createTextTower, sparseMeanEmbedding } from './text-tower';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('bagOfWords', () => {
  it('averages over the non-padding tokens only', () => {
    // Caption 0: words 2, 3, 2 and one pad -> word 2: 2/3, word 3: 1/3.
    // Caption 1: all padding -> all zeros.
    const bag = bagOfWords(Int32Array.from([2, 3, 2, 0, 0, 0, 0, 0]), 2, 4, 4);
    expect(Array.from(bag)).toEqual([0, 0, 2 / 3, 1 / 3, 0, 0, 0, 0].map(Math.fround));
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => bagOfWords(Int32Array.from([1, 4]), 1, 2, 4)).toThrow(/outside the vocabulary/);
    expect(() => bagOfWords(Int32Array.from([-1, 1]), 1, 2, 4)).toThrow(RangeError);
  });
});

describe('text tower', () => {
  it('equals the masked mean of one-hot token embeddings followed by the MLP', () => {
    const rng = new Rng(8);
    const shape = { vocabularySize: 10, maxTokens: 6, textEmbeddingDim: 5, hiddenDim: 7, outputDim: 3 };
    const parameters = new Parameters(1);
    const tower = createTextTower(parameters, shape);
    const count = 9;
    const tokens = Int32Array.from({ length: count * shape.maxTokens }, () => (rng.nextFloat() < 0.3 ? 0 : rng.nextInt(10)));
    const [actual, expected] = tf.tidy(() => {
      const oneHot = tf.oneHot(tf.tensor2d(tokens, [count, shape.maxTokens], 'int32'), shape.vocabularySize);
      const notPad = tf.cast(tf.notEqual(tf.tensor2d(tokens, [count, shape.maxTokens], 'int32'), 0), 'float32');
      const embedded = tf.matMul(tf.reshape(oneHot, [count * shape.maxTokens, shape.vocabularySize]), parameters.get('text.token.embedding'));
      const summed = tf.sum(tf.mul(tf.reshape(embedded, [count, shape.maxTokens, shape.textEmbeddingDim]), tf.expandDims(notPad, 2)), 1);
      const mean = tf.div(summed, tf.maximum(tf.sum(notPad, 1, true), 1));
      const hidden = tf.relu(tf.add(tf.matMul(mean, parameters.get('text.hidden.kernel')), parameters.get('text.hidden.bias')));
      const output = tf.add(tf.matMul(hidden, parameters.get('text.output.kernel')), parameters.get('text.output.bias'));
      return [tower.forward(tokens, count).dataSync(), output.dataSync()];
    });
    expect(actual.length).toBe(count * 3);
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
    parameters.dispose();
  });
});

describe('sparseMeanEmbedding', () => {
  it('gives the bag-of-words product and its gradient, repeated words and padding included', async () => {
    const rng = new Rng(5);
    const vocabularySize = 12;
    const dim = 3;
    const maxTokens = 4;
    // Caption 0 repeats word 2; caption 1 is one word; caption 2 is all padding.
    const tokens = Int32Array.from([2, 5, 2, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
    const table = tf.tensor2d(Float32Array.from({ length: vocabularySize * dim }, () => rng.nextFloat() - 0.5), [vocabularySize, dim]);
    const dense = (t: tf.Tensor) => tf.matMul(tf.tensor2d(bagOfWords(tokens, 3, maxTokens, vocabularySize), [3, vocabularySize]), t as tf.Tensor2D);
    const sparse = (t: tf.Tensor) => sparseMeanEmbedding(t as tf.Tensor2D, tokens, 3, maxTokens);
    const weights = tf.tensor2d(Float32Array.from({ length: 3 * dim }, () => rng.nextFloat()), [3, dim]);
    const loss = (embed: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(embed(t), weights));
    const [denseValue, sparseValue] = [await dense(table).data(), await sparse(table).data()];
    sparseValue.forEach((v, i) => expect(v).toBeCloseTo(denseValue[i], 6));
    // Row 0 of the output by hand: (2 x row 2 + row 5) / 3.
    const rows = await table.data();
    for (let d = 0; d < dim; d++) expect(sparseValue[d]).toBeCloseTo((2 * rows[2 * dim + d] + rows[5 * dim + d]) / 3, 6);
    const [denseGrad, sparseGrad] = [await tf.grad(loss(dense))(table).data(), await tf.grad(loss(sparse))(table).data()];
    sparseGrad.forEach((v, i) => expect(v).toBeCloseTo(denseGrad[i], 6));
    // Words 2, 5 and 7 get a gradient; every other row, padding's row 0 included, none.
    for (let word = 0; word < vocabularySize; word++) {
      const touched = [2, 5, 7].includes(word);
      expect(sparseGrad.slice(word * dim, (word + 1) * dim).some((v) => v !== 0)).toBe(touched);
    }
  });

  it('is what a tower above SPARSE_TEXT_VOCABULARY words uses, and counts gather FLOPs, not V x dim', () => {
    const shape = { maxTokens: 8, textEmbeddingDim: 16, hiddenDim: 32, outputDim: 8 };
    const small = createTextTower(new Parameters(1), { ...shape, vocabularySize: SPARSE_TEXT_VOCABULARY });
    const large = createTextTower(new Parameters(1), { ...shape, vocabularySize: 8194 });
    const headFlops = 2 * 10 * (16 * 32 + 32 * 8);
    expect(small.flops(10).forward.matmul).toBe(2 * 10 * SPARSE_TEXT_VOCABULARY * 16 + headFlops);
    expect(large.flops(10).forward.matmul).toBe(headFlops);
    expect(large.flops(10).forward.elementwise - small.flops(10).forward.elementwise).toBe(2 * 10 * 8 * 16 - 10 * 8);
    // Backward: the table's gradient of the bag-of-words product (none into the data), and both
    // gradients of the two layers, whose inputs come from the table.
    expect(small.flops(10).backward.matmul).toBe(2 * 10 * SPARSE_TEXT_VOCABULARY * 16 + 2 * headFlops);
    expect(large.flops(10).backward.matmul).toBe(2 * headFlops);
  });
});
