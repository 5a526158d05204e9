import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { initBackend } from './backend';
import { batchSigmoidLoss, pairwiseSigmoidLoss, pairwiseSigmoidLossValues } from './sigmoid-loss';
import { pairwiseSigmoidLossFromEmbeddings } from '../testing/sigmoid-loss-js';

beforeAll(async () => {
  await initBackend('wasm');
});

function randomValues(rng: Rng, count: number, scale = 1): Float32Array {
  return Float32Array.from({ length: count }, () => scale * rng.normal());
}

describe('pairwiseSigmoidLoss', () => {
  it('matches a 2x2 example worked out by hand', () => {
    // x1 = (1, 0), x2 = (0, 1); y1 = (1, 0), y2 = (0.6, 0.8); t = exp(log 2) = 2, b = -1.
    // Similarities: s11 = 1, s12 = 0.6, s21 = 0, s22 = 0.8.
    // Logits t*s + b: 1, 0.2, -1, 0.6.
    // L11 = -log sigmoid(+1)         = log(1 + e^-1)   = 0.3132617
    // L12 = -log sigmoid(-0.2)       = log(1 + e^0.2)  = 0.7981389
    // L21 = -log sigmoid(-1 * -1)    = log(1 + e^-1)   = 0.3132617
    // L22 = -log sigmoid(+0.6)       = log(1 + e^-0.6) = 0.4374880
    // loss(S) = (0.3132617 + 0.7981389 + 0.3132617 + 0.4374880) / 2 = 0.9310751
    const expected = [0.3132617, 0.7981389, 0.3132617, 0.437488];
    tf.tidy(() => {
      const x = tf.tensor2d([1, 0, 0, 1], [2, 2]);
      const y = tf.tensor2d([1, 0, 0.6, 0.8], [2, 2]);
      const logT = tf.scalar(Math.log(2));
      const b = tf.scalar(-1);
      const losses = pairwiseSigmoidLoss(x, y, logT, b).dataSync();
      expected.forEach((value, i) => expect(losses[i]).toBeCloseTo(value, 6));
      expect(batchSigmoidLoss(x, y, logT, b).dataSync()[0]).toBeCloseTo(0.9310751, 6);
      const js = pairwiseSigmoidLossFromEmbeddings(x.dataSync() as Float32Array, y.dataSync() as Float32Array, 2, 2, 2, 2, -1);
      expected.forEach((value, i) => expect(js[i]).toBeCloseTo(value, 6));
    });
  });

  it('stays finite and exact for large logits', () => {
    // t = 100, b = -10, identical unit vectors: every logit is 90.
    // Diagonal: softplus(-90) = 8.2e-40 (0 in float32); off-diagonal: softplus(90) = 90.
    tf.tidy(() => {
      const x = tf.tensor2d([1, 0, 1, 0], [2, 2]);
      const losses = pairwiseSigmoidLoss(x, x, tf.scalar(Math.log(100)), tf.scalar(-10)).dataSync();
      expect(losses[0]).toBeCloseTo(0, 6);
      expect(losses[1]).toBeCloseTo(90, 3);
      expect(losses[2]).toBeCloseTo(90, 3);
      expect(losses[3]).toBeCloseTo(0, 6);
    });
    const js = pairwiseSigmoidLossFromEmbeddings(new Float32Array([1, 0]), new Float32Array([1, 0, 1, 0]), 1, 2, 2, 100, -10);
    expect(js[0]).toBeGreaterThanOrEqual(0);
    expect(js[0]).toBeLessThan(1e-30);
    expect(js[1]).toBe(90);
  });

  it('has gradients that match central finite differences', () => {
    const rng = new Rng(11);
    const n = 3;
    const m = 4;
    const dim = 5;
    const x0 = randomValues(rng, n * dim, 0.5);
    const y0 = randomValues(rng, m * dim, 0.5);
    const logT0 = Math.log(3);
    const b0 = -1.5;
    const lossOf = (x: Float32Array, y: Float32Array, logT: number, b: number): number =>
      tf.tidy(() =>
        batchSigmoidLoss(tf.tensor2d(x, [n, dim]), tf.tensor2d(y, [m, dim]), tf.scalar(logT), tf.scalar(b)).dataSync()[0],
      );
    const analytic = tf.tidy(() => {
      const grads = tf.grads((x: tf.Tensor, y: tf.Tensor, logT: tf.Tensor, b: tf.Tensor) =>
        batchSigmoidLoss(x as tf.Tensor2D, y as tf.Tensor2D, logT as tf.Scalar, b as tf.Scalar),
      )([tf.tensor2d(x0, [n, dim]), tf.tensor2d(y0, [m, dim]), tf.scalar(logT0), tf.scalar(b0)]);
      return grads.map((g) => Array.from(g.dataSync()));
    });
    // Float32 forward passes: a step of 1e-2 keeps rounding error near 1e-5 and truncation near 1e-5.
    const h = 1e-2;
    const shifted = (values: Float32Array, i: number, delta: number): Float32Array => {
      const copy = Float32Array.from(values);
      copy[i] += delta;
      return copy;
    };
    for (let i = 0; i < x0.length; i++) {
      const numeric = (lossOf(shifted(x0, i, h), y0, logT0, b0) - lossOf(shifted(x0, i, -h), y0, logT0, b0)) / (2 * h);
      expect(analytic[0][i]).toBeCloseTo(numeric, 3);
    }
    for (let i = 0; i < y0.length; i++) {
      const numeric = (lossOf(x0, shifted(y0, i, h), logT0, b0) - lossOf(x0, shifted(y0, i, -h), logT0, b0)) / (2 * h);
      expect(analytic[1][i]).toBeCloseTo(numeric, 3);
    }
    const numericLogT = (lossOf(x0, y0, logT0 + h, b0) - lossOf(x0, y0, logT0 - h, b0)) / (2 * h);
    const numericBias = (lossOf(x0, y0, logT0, b0 + h) - lossOf(x0, y0, logT0, b0 - h)) / (2 * h);
    expect(analytic[2][0]).toBeCloseTo(numericLogT, 3);
    expect(analytic[3][0]).toBeCloseTo(numericBias, 3);
    // Not a vacuous check: these gradients are far from zero.
    expect(Math.abs(analytic[2][0])).toBeGreaterThan(0.01);
    expect(Math.abs(analytic[3][0])).toBeGreaterThan(0.01);
  });

  it('equals its JavaScript twin on random embeddings, square and rectangular', () => {
    const rng = new Rng(3);
    for (const [n, m, dim] of [
      [7, 7, 8],
      [5, 9, 13],
      [12, 4, 3],
    ]) {
      const x = randomValues(rng, n * dim);
      const y = randomValues(rng, m * dim);
      const temperature = 4;
      const bias = -2;
      const fromTf = tf.tidy(() =>
        pairwiseSigmoidLoss(tf.tensor2d(x, [n, dim]), tf.tensor2d(y, [m, dim]), tf.scalar(Math.log(temperature)), tf.scalar(bias)).dataSync(),
      );
      const fromJs = pairwiseSigmoidLossFromEmbeddings(x, y, n, m, dim, temperature, bias);
      expect(fromJs.length).toBe(n * m);
      for (let i = 0; i < n * m; i++) expect(fromJs[i]).toBeCloseTo(fromTf[i], 4);
    }
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([4, 3]) as tf.Tensor2D;
    const t = tf.scalar(1);
    const b = tf.scalar(0);
    const loss = batchSigmoidLoss(x, x, t, b);
    tf.dispose([x, t, b, loss]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('pairwiseSigmoidLossValues', () => {
  it('matches the 2x2 example worked out by hand', async () => {
    const x = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const y = tf.tensor2d([1, 0, 0.6, 0.8], [2, 2]);
    const losses = await pairwiseSigmoidLossValues(x, y, 2, -1);
    [0.3132617, 0.7981389, 0.3132617, 0.437488].forEach((value, i) => expect(losses[i]).toBeCloseTo(value, 6));
    x.dispose();
    y.dispose();
  });

  it('equals the differentiable form on random rectangular inputs, large logits included, and leaks no tensor', async () => {
    const rng = new Rng(11);
    for (const [n, m, temperature, bias] of [[7, 5, 10, -10], [5, 7, 80, 3], [9, 9, 1, 0]] as const) {
      const x = tf.tensor2d(randomValues(rng, n * 4), [n, 4]);
      const y = tf.tensor2d(randomValues(rng, m * 4), [m, 4]);
      const before = tf.memory().numTensors;
      const values = await pairwiseSigmoidLossValues(x, y, temperature, bias);
      expect(tf.memory().numTensors).toBe(before);
      const expected = tf.tidy(() => pairwiseSigmoidLoss(x, y, tf.scalar(Math.log(temperature)), tf.scalar(bias)).dataSync());
      expect(values.length).toBe(n * m);
      for (let e = 0; e < n * m; e++) expect(values[e]).toBeCloseTo(expected[e], 3 + (expected[e] < 10 ? 2 : 0));
      x.dispose();
      y.dispose();
    }
  });
});

describe('batchSigmoidLoss on the CPU backends (one fused operation)', () => {
  /** The loss and its four gradients, by the fused operation and by the tensor form, on random rectangular inputs. */
  function bothForms(n: number, m: number, logT: number, b: number) {
    const rng = new Rng(n * 100 + m);
    const x = tf.tensor2d(randomValues(rng, n * 6, 0.5), [n, 6]);
    const y = tf.tensor2d(randomValues(rng, m * 6, 0.5), [m, 6]);
    const inputs = [x, y, tf.scalar(logT), tf.scalar(b)];
    const read = (f: (x: tf.Tensor2D, y: tf.Tensor2D, logT: tf.Scalar, b: tf.Scalar) => tf.Scalar) =>
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => f(...(args as [tf.Tensor2D, tf.Tensor2D, tf.Scalar, tf.Scalar])))(inputs);
        return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
      });
    const fused = read(batchSigmoidLoss);
    const tensorForm = read((x, y, logT, b) => tf.div(tf.sum(pairwiseSigmoidLoss(x, y, logT, b)), n) as tf.Scalar);
    tf.dispose(inputs);
    return { fused, tensorForm };
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`equals the tensor form, value and gradients, large logits included (${backend})`, async () => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      for (const [n, m, logT, b] of [[5, 7, Math.log(10), -10], [7, 5, Math.log(80), 3], [4, 4, 0, 0]] as const) {
        const { fused, tensorForm } = bothForms(n, m, logT, b);
        fused.forEach((values, k) => values.forEach((v, e) => expect(v, `output ${k}, entry ${e}`).toBeCloseTo(tensorForm[k][e], 4)));
      }
      expect(tf.memory().numTensors).toBe(before);
      await initBackend('wasm');
    });
  }
});
