import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { initBackend } from '@sieve/tensor';
import { Parameters } from './parameters';
import { bagOfWords, createTextTower } from './text-tower';

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
