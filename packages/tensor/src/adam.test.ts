import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { Adam } from './adam';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Gradient of f(p) = sum(p^2) / 2 is p itself. */
function halfSquaredNormGradients(variables: tf.Variable[]): Record<string, tf.Tensor> {
  return tf.variableGrads(() => tf.mul(tf.sum(tf.square(variables[0])), 0.5) as tf.Scalar, variables).grads;
}

describe('Adam', () => {
  it('takes the hand-computed first two steps', () => {
    // f(p) = |p|^2 / 2, p0 = (1, -2), lr = 0.1, b1 = 0.9, b2 = 0.999.
    // Step 1: g = (1, -2); m = (0.1, -0.2); v = (0.001, 0.004); the bias-corrected step is
    //   lr * g / |g| = (0.1, -0.1), so p1 = (0.9, -1.9).
    // Step 2: g = (0.9, -1.9); m = 0.9 m + 0.1 g = (0.18, -0.37);
    //   v = 0.999 v + 0.001 g^2 = (0.001809, 0.007606);
    //   p2_0 = 0.9 - 0.1 * (0.18 / 0.19) / sqrt(0.001809 / 0.001999) = 0.9 - 0.0995878 = 0.8004122
    //   p2_1 = -1.9 + 0.1 * (0.37 / 0.19) / sqrt(0.007606 / 0.001999) = -1.8001665
    const p = tf.variable(tf.tensor1d([1, -2]));
    const adam = new Adam([p]);
    tf.tidy(() => adam.applyGradients(halfSquaredNormGradients([p]), 0.1));
    const afterOne = p.dataSync();
    expect(afterOne[0]).toBeCloseTo(0.9, 6);
    expect(afterOne[1]).toBeCloseTo(-1.9, 6);
    tf.tidy(() => adam.applyGradients(halfSquaredNormGradients([p]), 0.1));
    const afterTwo = p.dataSync();
    expect(afterTwo[0]).toBeCloseTo(0.8004122, 5);
    expect(afterTwo[1]).toBeCloseTo(-1.8001665, 5);
    expect(adam.stepCount).toBe(2);
    adam.dispose();
    p.dispose();
  });

  it('minimises an ill-conditioned quadratic with a decaying learning rate, leaking no tensors', () => {
    // f(p) = sum_i c_i (p_i - 3)^2 with curvatures spanning 1,000x; minimum at p = 3.
    const p = tf.variable(tf.zeros([4]));
    const curvature = tf.tensor1d([0.01, 0.1, 1, 10]);
    const adam = new Adam([p]);
    const lossOf = () => tf.sum(tf.mul(curvature, tf.square(tf.sub(p, 3)))) as tf.Scalar;
    const before = tf.memory().numTensors;
    for (let step = 1; step <= 600; step++) {
      tf.tidy(() => adam.applyGradients(tf.variableGrads(lossOf, [p]).grads, 0.2 * Math.pow(0.995, step)));
      expect(tf.memory().numTensors).toBe(before);
    }
    for (const value of p.dataSync()) expect(value).toBeCloseTo(3, 2);
    adam.dispose();
    tf.dispose([p, curvature]);
  });

  it('resumes exactly from a saved state', () => {
    const run = (stepsBeforeSave: number, resume: boolean): Float32Array => {
      const p = tf.variable(tf.tensor1d([1, -2, 0.5]));
      let adam = new Adam([p]);
      for (let step = 0; step < 6; step++) {
        if (resume && step === stepsBeforeSave) {
          const state = adam.getState();
          adam.dispose();
          adam = new Adam([p]);
          adam.setState(state);
        }
        tf.tidy(() => adam.applyGradients(halfSquaredNormGradients([p]), 0.05));
      }
      const values = Float32Array.from(p.dataSync());
      adam.dispose();
      p.dispose();
      return values;
    };
    expect(Array.from(run(3, true))).toEqual(Array.from(run(3, false)));
  });

  it('rejects a negative or non-finite learning rate', () => {
    const p = tf.variable(tf.zeros([1]));
    const adam = new Adam([p]);
    expect(() => adam.applyGradients([tf.ones([1])], -1)).toThrow(RangeError);
    expect(() => adam.applyGradients([tf.ones([1])], Number.NaN)).toThrow(RangeError);
    adam.dispose();
    p.dispose();
  });
});
