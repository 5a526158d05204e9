import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { initBackend } from './backend';
import { matMul2d } from './fast-matmul';

beforeAll(async () => {
  await initBackend('wasm');
});

function random(rng: Rng, rows: number, cols: number): tf.Tensor2D {
  return tf.tensor2d(Array.from({ length: rows * cols }, () => rng.normal()), [rows, cols]);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 4);
}

describe('matMul2d', () => {
  it('multiplies like tf.matMul, on a product worked by hand too', () => {
    // (1 2; 3 4)(5 6; 7 8) = (1*5 + 2*7, 1*6 + 2*8; 3*5 + 4*7, 3*6 + 4*8) = (19 22; 43 50)
    const product = tf.tidy(() => matMul2d(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).dataSync());
    expect(Array.from(product)).toEqual([19, 22, 43, 50]);
    const rng = new Rng(1);
    tf.tidy(() => {
      const a = random(rng, 5, 7);
      const b = random(rng, 7, 3);
      expectClose(matMul2d(a, b).dataSync(), tf.matMul(a, b).dataSync());
      expectClose(matMul2d(a, b, 'b').dataSync(), tf.matMul(a, b).dataSync());
      expectClose(matMul2d(a, b, 'a').dataSync(), tf.matMul(a, b).dataSync());
    });
  });

  it('has the gradients of tf.matMul for both inputs', () => {
    const rng = new Rng(2);
    tf.tidy(() => {
      const a = random(rng, 6, 4);
      const b = random(rng, 4, 5);
      const weights = random(rng, 6, 5);
      // A loss that is not symmetric in its entries, so that a wrong transpose would show.
      const loss = (product: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor2D) => (x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(tf.sin(product(x as tf.Tensor2D, y as tf.Tensor2D)), weights));
      const [expectedA, expectedB] = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
      const [actualA, actualB] = tf.grads(loss((x, y) => matMul2d(x, y)))([a, b]);
      expectClose(actualA.dataSync(), expectedA.dataSync());
      expectClose(actualB.dataSync(), expectedB.dataSync());
      // With gradientFor 'b', b gets the same gradient and a none.
      const onlyB = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.sin(matMul2d(a, y as tf.Tensor2D, 'b')), weights)))(b);
      expectClose(onlyB.dataSync(), expectedB.dataSync());
      const onlyA = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.sin(matMul2d(x as tf.Tensor2D, b, 'a')), weights)))(a);
      expectClose(onlyA.dataSync(), expectedA.dataSync());
    });
  });

  it('keeps its saved input alive through an inner tidy until the backward pass', () => {
    const rng = new Rng(3);
    tf.tidy(() => {
      const data = random(rng, 3, 2);
      const w = tf.variable(random(rng, 2, 2));
      const { grads } = tf.variableGrads(() => tf.sum(tf.tidy(() => matMul2d(tf.mul(data, 2), w, 'b'))), [w]);
      // d/dW sum(2 X W) = 2 X^T 1: column sums of 2X, repeated in each column.
      const x = data.arraySync();
      const columnSum = (c: number) => 2 * (x[0][c] + x[1][c] + x[2][c]);
      expectClose(grads[w.name].dataSync(), [columnSum(0), columnSum(0), columnSum(1), columnSum(1)]);
      w.dispose();
    });
  });
});
