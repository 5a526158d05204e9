import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, totalFlops, trainingFlops } from './tensor/index';
import { createContrastiveModel } from './contrastive-model';
import { createImageTower } from './create-image-tower';
import { Parameters } from './parameters';
import type { ModelSpec } from './model-spec';

// The default model of the `default` preset on 28x28 images.
const base: ModelSpec = {
  imageSide: 28,
  imageTower: 'mlp',
  embeddingDim: 64,
  hiddenDim: 256,
  textEmbeddingDim: 64,
  patchSize: 7,
  coarsePatchSize: 14,
  vitDim: 64,
  vitDepth: 2,
  vitHeads: 4,
  vocabularySize: 98,
  maxTokens: 9,
  classCount: 10,
};

describe('multi-resolution FLOPs of the image towers', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('MLP: coarse scoring costs under a third of fine, by the formula', () => {
    const model = createContrastiveModel(base, 0);
    const n = 640;
    const fine = model.flopCounts.embedImages(n, 'fine');
    const coarse = model.flopCounts.embedImages(n, 'coarse');
    // Matmuls by hand. Fine: 784 -> 256 -> 64 per image: 2*784*256 + 2*256*64 = 434,176.
    expect(fine.matmul).toBe(n * (2 * 784 * 256 + 2 * 256 * 64));
    // Coarse: 196 -> 256 -> 64 per image (2*196*256 + 2*256*64 = 133,120), plus resizing the
    // 256 x (28x28) kernel to 256 x (14x14) once per call: 2*(256*28)*28*14 + 2*(256*14)*28*14.
    const kernelResize = 2 * (256 * 28) * 28 * 14 + 2 * (256 * 14) * 28 * 14;
    expect(coarse.matmul).toBe(n * (2 * 196 * 256 + 2 * 256 * 64) + kernelResize);
    // Per image (the kernel resize is paid once per call, whatever the count), coarse is 0.307 of fine.
    const perImage = (resolution: 'fine' | 'coarse') => model.flops.embedImages(2 * n, resolution) - model.flops.embedImages(n, resolution);
    expect(perImage('coarse') / perImage('fine')).toBeLessThanOrEqual(1 / 3);
    model.dispose();
  });

  it('FlexiViT: 4 tokens instead of 16 costs under a third of fine', () => {
    const model = createContrastiveModel({ ...base, imageTower: 'flexivit' }, 0);
    const ratio = model.flops.embedImages(640, 'coarse') / model.flops.embedImages(640, 'fine');
    expect(ratio).toBeLessThanOrEqual(1 / 3);
    model.dispose();
  });

  it('MLP: per image, half-coarse training costs at most 70% of fine-only', () => {
    const model = createContrastiveModel(base, 0);
    const perImage = (resolution: 'fine' | 'coarse') => model.flops.embedImages(2, resolution) - model.flops.embedImages(1, resolution);
    expect((perImage('fine') + perImage('coarse')) / (2 * perImage('fine'))).toBeLessThanOrEqual(0.7);
    model.dispose();
  });

  for (const imageTower of ['mlp', 'flexivit'] as const) {
    it(`${imageTower}: a step's accounting charges exactly the image tower's saving`, () => {
      const model = createContrastiveModel({ ...base, imageTower }, 0);
      const parameters = new Parameters(0);
      const tower = createImageTower(parameters, { ...base, imageTower });
      const b = 128;
      // The image tower's forward and backward passes, per resolution.
      const training = (count: number, resolution: 'fine' | 'coarse') => totalFlops(trainingFlops(tower.flops(count, resolution)));
      const fineOnly = training(b, 'fine');
      const mixed = training(b / 2, 'fine') + training(b / 2, 'coarse');
      // FlexiViT, the faithful reproduction, is under 70% for the whole batch too (0.63).
      if (imageTower === 'flexivit') expect(mixed / fineOnly).toBeLessThanOrEqual(0.7);
      // The whole step's accounting charges the same saving: the difference between a fine-only
      // and a half-coarse step is exactly the image tower's.
      expect(model.flops.trainStep(b, 0) - model.flops.trainStep(b, b / 2)).toBeCloseTo(fineOnly - mixed, 0);
      tower.dispose();
      parameters.dispose();
      model.dispose();
    });
  }
});
