import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { initBackend } from './tensor/index';
import { createFlexiVitTower, patchify } from './flexivit-tower';
import { Parameters } from './parameters';

beforeAll(async () => {
  await initBackend('wasm');
});

const shape = { side: 28, patchSize: 7, coarsePatchSize: 14, dim: 16, depth: 1, heads: 2 };

describe('patchify', () => {
  it('cuts a 4x4 image into row-major 2x2 patches', () => {
    // Pixels 0..15 row-major; the top-left patch holds rows 0-1, columns 0-1: 0, 1, 4, 5.
    const patches = tf.tidy(() => patchify(tf.tensor2d(Array.from({ length: 16 }, (_, i) => i), [1, 16]), 4, 2).arraySync());
    expect(patches).toEqual([
      [0, 1, 4, 5],
      [2, 3, 6, 7],
      [8, 9, 12, 13],
      [10, 11, 14, 15],
    ]);
  });

  it("keeps a pixel's channels together: a 2x2 RGB image in 1x1 patches is its pixels", () => {
    const patches = tf.tidy(() => patchify(tf.tensor2d(Array.from({ length: 12 }, (_, i) => i), [1, 12]), 2, 1, 3).arraySync());
    expect(patches).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
      [9, 10, 11],
    ]);
  });
});

describe('FlexiViT tower', () => {
  it('PI-resize keeps tokens exact when the patch grows 7 -> 14', () => {
    // Each 14x14 coarse patch is the bilinear upsampling of a random 7x7 patch q_k; its token under
    // the PI-resized kernel must equal q_k's token under the stored 7x7 kernel: q_k W + b.
    const rng = new Rng(31);
    const parameters = new Parameters(5);
    const tower = createFlexiVitTower(parameters, shape);
    const count = 2;
    const small = Array.from({ length: count * 4 * 49 }, () => rng.nextFloat());
    const [coarseTokens, expectedTokens] = tf.tidy(() => {
      const patches = tf.tensor4d(small, [count * 4, 7, 7, 1]);
      const grown = tf.image.resizeBilinear(patches, [14, 14], false, true); // (count * 4) x 14 x 14
      // Reassemble the 2x2 grid of 14x14 patches into count images of 28x28.
      const images = tf.reshape(tf.transpose(tf.reshape(grown, [count, 2, 2, 14, 14]), [0, 1, 3, 2, 4]), [count, 784]) as tf.Tensor2D;
      const expected = tf.add(
        tf.matMul(tf.reshape(patches, [count * 4, 49]), parameters.get('image.patch.kernel')),
        parameters.get('image.patch.bias'),
      );
      return [tower.patchEmbeddings(images, 'coarse').dataSync(), expected.dataSync()];
    });
    expect(coarseTokens.length).toBe(count * 4 * 16);
    coarseTokens.forEach((value, i) => expect(Math.abs(value - expectedTokens[i])).toBeLessThan(1e-4));
    tower.dispose();
    parameters.dispose();
  });

  it('PI-resize keeps tokens exact for RGB patches, each channel resized alike (side 16, patch 4 -> 8)', () => {
    const rng = new Rng(32);
    const parameters = new Parameters(6);
    const tower = createFlexiVitTower(parameters, { side: 16, patchSize: 4, coarsePatchSize: 8, dim: 8, depth: 1, heads: 2, channels: 3 });
    const count = 2;
    const small = Array.from({ length: count * 4 * 16 * 3 }, () => rng.nextFloat());
    const [coarseTokens, expectedTokens] = tf.tidy(() => {
      const patches = tf.tensor4d(small, [count * 4, 4, 4, 3]);
      const grown = tf.image.resizeBilinear(patches, [8, 8], false, true); // (count * 4) x 8 x 8 x 3
      const images = tf.reshape(tf.transpose(tf.reshape(grown, [count, 2, 2, 8, 8, 3]), [0, 1, 3, 2, 4, 5]), [count, 16 * 16 * 3]) as tf.Tensor2D;
      const expected = tf.add(
        tf.matMul(tf.reshape(patches, [count * 4, 48]), parameters.get('image.patch.kernel')),
        parameters.get('image.patch.bias'),
      );
      return [tower.patchEmbeddings(images, 'coarse').dataSync(), expected.dataSync()];
    });
    expect(coarseTokens.length).toBe(count * 4 * 8);
    coarseTokens.forEach((value, i) => expect(Math.abs(value - expectedTokens[i])).toBeLessThan(1e-4));
    tower.dispose();
    parameters.dispose();
  });

  it('runs one set of weights at both patch sizes', () => {
    const rng = new Rng(1);
    const parameters = new Parameters(5);
    const tower = createFlexiVitTower(parameters, shape);
    const [fineTokens, coarseTokens, fine, coarse] = tf.tidy(() => {
      const images = tf.tensor2d(Array.from({ length: 3 * 784 }, () => rng.nextFloat()), [3, 784]);
      return [
        tower.patchEmbeddings(images, 'fine').shape,
        tower.patchEmbeddings(images, 'coarse').shape,
        tower.prepare('fine').apply(images).arraySync(),
        tower.prepare('coarse').apply(images).arraySync(),
      ];
    });
    expect(fineTokens).toEqual([3, 16, 16]);
    expect(coarseTokens).toEqual([3, 4, 16]);
    expect([fine.length, fine[0].length, coarse.length, coarse[0].length]).toEqual([3, 16, 3, 16]);
    for (const row of [...fine, ...coarse]) for (const value of row) expect(Number.isFinite(value)).toBe(true);
    tower.dispose();
    parameters.dispose();
  });

  it('costs about a quarter at the coarse patch size, which has a quarter of the tokens', () => {
    const parameters = new Parameters(5);
    const tower = createFlexiVitTower(parameters, { ...shape, dim: 64, depth: 2, heads: 4 });
    const fine = tower.flops(1000, 'fine').forward;
    const coarse = tower.flops(1000, 'coarse').forward;
    const ratio = (coarse.matmul + coarse.elementwise) / (fine.matmul + fine.elementwise);
    expect(ratio).toBeGreaterThan(0.2);
    expect(ratio).toBeLessThan(0.3);
    tower.dispose();
    parameters.dispose();
  });
});
