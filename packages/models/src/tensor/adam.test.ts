import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { initBackend } from './backend';
import { loadBlas } from './blas';
import { Adam, defaultMomentPlacement, type MomentPlacement } from './adam';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Gradient of f(p) = sum(p^2) / 2 is p itself. */
function halfSquaredNormGradients(variables: tf.Variable[]): Record<string, tf.Tensor> {
  return tf.variableGrads(() => tf.mul(tf.sum(tf.square(variables[0])), 0.5) as tf.Scalar, variables).grads;
}

/** One update with the gradients of `gradients()`, which are then freed. */
async function step(adam: Adam, gradients: () => Record<string, tf.Tensor> | tf.Tensor[], learningRate: number): Promise<void> {
  const computed = tf.tidy(gradients);
  try {
    await adam.applyGradients(computed, learningRate);
  } finally {
    tf.dispose(Object.values(computed));
  }
}

describe('defaultMomentPlacement', () => {
  it('keeps the moments in JS memory on the CPU backends and on the device elsewhere', () => {
    expect(['wasm', 'cpu'].map((name) => defaultMomentPlacement(name))).toEqual(['host', 'host']);
    expect(['webgpu', 'tensorflow', 'webgl'].map((name) => defaultMomentPlacement(name))).toEqual(['device', 'device', 'device']);
    expect(new Adam([]).placement).toBe('host');
  });
});

describe.each(['host', 'device'] as MomentPlacement[])('Adam with its moments on the %s', (moments) => {
  it('takes the hand-computed first two steps', async () => {
    // f(p) = |p|^2 / 2, p0 = (1, -2), lr = 0.1, b1 = 0.9, b2 = 0.999.
    // Step 1: g = (1, -2); m = (0.1, -0.2); v = (0.001, 0.004); the bias-corrected step is
    //   lr * g / |g| = (0.1, -0.1), so p1 = (0.9, -1.9).
    // Step 2: g = (0.9, -1.9); m = 0.9 m + 0.1 g = (0.18, -0.37);
    //   v = 0.999 v + 0.001 g^2 = (0.001809, 0.007606);
    //   p2_0 = 0.9 - 0.1 * (0.18 / 0.19) / sqrt(0.001809 / 0.001999) = 0.9 - 0.0995878 = 0.8004122
    //   p2_1 = -1.9 + 0.1 * (0.37 / 0.19) / sqrt(0.007606 / 0.001999) = -1.8001665
    const p = tf.variable(tf.tensor1d([1, -2]));
    const adam = new Adam([p], { moments });
    await step(adam, () => halfSquaredNormGradients([p]), 0.1);
    const afterOne = p.dataSync();
    expect(afterOne[0]).toBeCloseTo(0.9, 6);
    expect(afterOne[1]).toBeCloseTo(-1.9, 6);
    await step(adam, () => halfSquaredNormGradients([p]), 0.1);
    const afterTwo = p.dataSync();
    expect(afterTwo[0]).toBeCloseTo(0.8004122, 5);
    expect(afterTwo[1]).toBeCloseTo(-1.8001665, 5);
    expect(adam.stepCount).toBe(2);
    adam.dispose();
    p.dispose();
  });

  it('minimises an ill-conditioned quadratic with a decaying learning rate, leaking no tensors', async () => {
    // f(p) = sum_i c_i (p_i - 3)^2 with curvatures spanning 1,000x; minimum at p = 3.
    const p = tf.variable(tf.zeros([4]));
    const curvature = tf.tensor1d([0.01, 0.1, 1, 10]);
    const adam = new Adam([p], { moments });
    const lossOf = () => tf.sum(tf.mul(curvature, tf.square(tf.sub(p, 3)))) as tf.Scalar;
    const before = tf.memory().numTensors;
    for (let t = 1; t <= 600; t++) {
      await step(adam, () => tf.variableGrads(lossOf, [p]).grads, 0.2 * Math.pow(0.995, t));
      expect(tf.memory().numTensors).toBe(before);
    }
    for (const value of p.dataSync()) expect(value).toBeCloseTo(3, 2);
    adam.dispose();
    tf.dispose([p, curvature]);
  });

  it('resumes exactly from a saved state', async () => {
    const run = async (stepsBeforeSave: number, resume: boolean): Promise<Float32Array> => {
      const p = tf.variable(tf.tensor1d([1, -2, 0.5]));
      let adam = new Adam([p], { moments });
      for (let t = 0; t < 6; t++) {
        if (resume && t === stepsBeforeSave) {
          const state = await adam.getState();
          adam.dispose();
          adam = new Adam([p], { moments });
          adam.setState(state);
        }
        await step(adam, () => halfSquaredNormGradients([p]), 0.05);
      }
      const values = Float32Array.from(p.dataSync());
      adam.dispose();
      p.dispose();
      return values;
    };
    expect(Array.from(await run(3, true))).toEqual(Array.from(await run(3, false)));
  });

  it('rejects a negative or non-finite learning rate', async () => {
    const p = tf.variable(tf.zeros([1]));
    const adam = new Adam([p], { moments });
    const gradient = tf.ones([1]);
    await expect(adam.applyGradients([gradient], -1)).rejects.toThrow(RangeError);
    await expect(adam.applyGradients([gradient], Number.NaN)).rejects.toThrow(RangeError);
    gradient.dispose();
    adam.dispose();
    p.dispose();
  });
});

describe('the two moment placements', () => {
  it('take the same path over 50 steps of a 3 x 5 least-squares problem, and hand over state to each other', async () => {
    // f(W) = |A W - B|^2 / 2 with fixed A (4 x 3) and B (4 x 5).
    const a = tf.tensor2d([1, 2, -1, 0.5, -3, 2, 2, 1, 0, -1, 0.25, 4], [4, 3]);
    const b = tf.tensor2d(Array.from({ length: 20 }, (_, i) => Math.sin(i)), [4, 5]);
    const train = async (placements: MomentPlacement[]): Promise<Float32Array> => {
      const w = tf.tidy(() => tf.variable(tf.zeros([3, 5])));
      let adam = new Adam([w], { moments: placements[0] });
      for (let t = 1; t <= 50; t++) {
        const placement = placements[Math.floor(((t - 1) * placements.length) / 50)];
        if (placement !== adam.placement) {
          const state = await adam.getState();
          adam.dispose();
          adam = new Adam([w], { moments: placement });
          adam.setState(state);
        }
        await step(adam, () => tf.variableGrads(() => tf.mul(tf.sum(tf.square(tf.sub(tf.matMul(a, w), b))), 0.5) as tf.Scalar, [w]).grads, 0.05);
      }
      const values = (await w.data()).slice() as Float32Array;
      adam.dispose();
      w.dispose();
      return values;
    };
    const before = tf.memory().numTensors;
    const host = await train(['host']);
    const device = await train(['device']);
    const handedOver = await train(['host', 'device', 'host']);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.max(...host.map(Math.abs))).toBeGreaterThan(0.1);
    host.forEach((value, i) => {
      expect(device[i]).toBeCloseTo(value, 5);
      expect(handedOver[i]).toBeCloseTo(value, 5);
    });
    tf.dispose([a, b]);
  });
});

const blasMissing = 'reason' in loadBlas();

describe.skipIf(blasMissing)('Adam on wasm-blas: one SIMD kernel on the wasm heap', () => {
  it('takes the host path to float32 rounding over 50 steps, for sizes with and without a remainder of 4, updating in place', async () => {
    const rng = new Rng(4);
    const targets = [15, 1027, 1, 64].map((size) => Float32Array.from({ length: size }, () => rng.normal()));
    /** 50 steps of f = sum_i |w_i - target_i|^2 / 2 on `backend`, returning the weights and whether they stayed in place. */
    const train = async (backend: 'wasm' | 'wasm-blas') => {
      await initBackend(backend);
      const before = tf.memory().numTensors;
      const weights = targets.map((target) => tf.tidy(() => tf.variable(tf.zeros([target.length]))));
      const goals = targets.map((target) => tf.tensor1d(target));
      const adam = new Adam(weights);
      const dataIds = weights.map((w) => w.dataId);
      for (let t = 1; t <= 50; t++) {
        await step(adam, () => tf.variableGrads(() => tf.addN(weights.map((w, i) => tf.mul(tf.sum(tf.square(tf.sub(w, goals[i]))), 0.5))) as tf.Scalar, weights).grads, 0.05);
      }
      const values = await Promise.all(weights.map(async (w) => (await w.data()).slice() as Float32Array));
      const inPlace = weights.every((w, i) => w.dataId === dataIds[i]);
      const placement = adam.placement;
      adam.dispose();
      tf.dispose([...weights, ...goals]);
      expect(tf.memory().numTensors).toBe(before);
      return { values, inPlace, placement };
    };
    const host = await train('wasm');
    const simd = await train('wasm-blas');
    await initBackend('wasm');
    expect([host.placement, host.inPlace]).toEqual(['host', false]);
    expect([simd.placement, simd.inPlace]).toEqual(['device', true]);
    host.values.forEach((values, i) => values.forEach((value, k) => expect(simd.values[i][k], `variable ${i}, entry ${k}`).toBeCloseTo(value, 4)));
    // The weights moved well away from zero, towards their targets.
    expect(Math.abs(host.values[1][0])).toBeGreaterThan(0.5 * Math.min(1, Math.abs(targets[1][0])));
  });
});
