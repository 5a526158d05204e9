import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUserInputError, Rng } from '@sieve/core';
import { initBackend } from './tensor/index';
import { createMlpTower } from './mlp-tower';
import { Parameters } from './parameters';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('MLP image tower', () => {
  it('coarse mode is exact for images that are bilinear upsamplings of coarse images', () => {
    const rng = new Rng(21);
    const side = 28;
    const count = 6;
    const parameters = new Parameters(3);
    const tower = createMlpTower(parameters, side, 32);
    const [fine, coarse] = tf.tidy(() => {
      const coarseImages = tf.tensor4d(Array.from({ length: count * 14 * 14 }, () => rng.nextFloat()), [count, 14, 14, 1]);
      const upsampled = tf.reshape(tf.image.resizeBilinear(coarseImages, [side, side], false, true), [count, side * side]) as tf.Tensor2D;
      return [tower.prepare('fine').apply(upsampled).dataSync(), tower.prepare('coarse').apply(upsampled).dataSync()];
    });
    expect(fine.length).toBe(count * 32);
    // Not vacuous: most hidden units are active.
    expect(fine.filter((v) => v > 0).length).toBeGreaterThan(count * 8);
    fine.forEach((value, i) => expect(Math.abs(coarse[i] - value)).toBeLessThan(1e-4));
    tower.dispose();
    parameters.dispose();
  });

  it('coarse mode is exact for upsampled RGB images too, each channel resized alike', () => {
    const rng = new Rng(22);
    const side = 16;
    const count = 4;
    const parameters = new Parameters(4);
    const tower = createMlpTower(parameters, side, 24, 'image', 3);
    const [fine, coarse] = tf.tidy(() => {
      const coarseImages = tf.tensor4d(Array.from({ length: count * 8 * 8 * 3 }, () => rng.nextFloat()), [count, 8, 8, 3]);
      const upsampled = tf.reshape(tf.image.resizeBilinear(coarseImages, [side, side], false, true), [count, side * side * 3]) as tf.Tensor2D;
      return [tower.prepare('fine').apply(upsampled).dataSync(), tower.prepare('coarse').apply(upsampled).dataSync()];
    });
    expect(fine.filter((v) => v > 0).length).toBeGreaterThan(count * 6);
    fine.forEach((value, i) => expect(Math.abs(coarse[i] - value)).toBeLessThan(1e-4));
    tower.dispose();
    parameters.dispose();
  });

  it('coarse mode is only approximate for other images', () => {
    const rng = new Rng(2);
    const parameters = new Parameters(3);
    const tower = createMlpTower(parameters, 28, 32);
    const largestGap = tf.tidy(() => {
      const images = tf.tensor2d(Array.from({ length: 4 * 784 }, () => rng.nextFloat()), [4, 784]);
      return tf.max(tf.abs(tf.sub(tower.prepare('fine').apply(images), tower.prepare('coarse').apply(images)))).dataSync()[0];
    });
    expect(largestGap).toBeGreaterThan(1e-2);
    tower.dispose();
    parameters.dispose();
  });

  it('counts FLOPs per resolution', () => {
    const parameters = new Parameters(3);
    const tower = createMlpTower(parameters, 28, 32);
    // Fine: 3 images x (784 -> 32): 2 * 3 * 784 * 32 = 150,528 in the matmul; bias and ReLU on 96 outputs.
    expect(tower.flops(3, 'fine').forward).toEqual({ matmul: 150_528, elementwise: 192 });
    // Backward: the kernel's gradient only (the images need none), and bias and ReLU again.
    expect(tower.flops(3, 'fine').backward).toEqual({ matmul: 150_528, elementwise: 192 });
    // Coarse: kernel resize 2*14*28*(28*32) + 2*14*28*(14*32) = 702,464 + 351,232, then 2*3*196*32 = 37,632;
    // pooling reads 3 * 784 pixels, bias and ReLU 192.
    expect(tower.flops(3, 'coarse').forward).toEqual({ matmul: 702_464 + 351_232 + 37_632, elementwise: 2_352 + 192 });
    // Backward: one product per forward product (the resize matrix and the pooled images need no
    // gradient); no gradient through the pooling of the images.
    expect(tower.flops(3, 'coarse').backward).toEqual({ matmul: 702_464 + 351_232 + 37_632, elementwise: 192 });
    expect(tower.flops(0, 'coarse')).toEqual({ forward: { matmul: 0, elementwise: 0 }, backward: { matmul: 0, elementwise: 0 } });
    tower.dispose();
    parameters.dispose();
  });

  it('refuses a coarse mode for an odd image side with a UserInputError', () => {
    const parameters = new Parameters(3);
    const tower = createMlpTower(parameters, 7, 4);
    let error: unknown = null;
    tf.tidy(() => {
      try {
        tower.prepare('coarse');
      } catch (e) {
        error = e;
      }
    });
    expect(isUserInputError(error)).toBe(true);
    tower.dispose();
    parameters.dispose();
  });
});
