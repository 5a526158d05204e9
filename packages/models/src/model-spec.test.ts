import { describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { divisorsOf, validateModelSpec } from './model-spec';
import { tinySpec } from './testing/fixtures';

function fieldOf(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return isUserInputError(error) ? error.field : `not a UserInputError: ${String(error)}`;
  }
}

describe('validateModelSpec', () => {
  it('accepts the defaults for 28x28 images with either tower', () => {
    const defaults = { imageSide: 28, patchSize: 7, coarsePatchSize: 14, vitDim: 64, vitHeads: 4 };
    expect(fieldOf(() => validateModelSpec(tinySpec({ ...defaults, imageTower: 'flexivit' }), 'contrastive'))).toBeNull();
    expect(fieldOf(() => validateModelSpec(tinySpec({ ...defaults, imageTower: 'mlp' }), 'classification'))).toBeNull();
  });

  it('names the patch size that does not divide the image side, and lists the ones that do', () => {
    const spec = tinySpec({ imageSide: 28, imageTower: 'flexivit', patchSize: 5, coarsePatchSize: 14 });
    expect(fieldOf(() => validateModelSpec(spec, 'contrastive'))).toBe('model.patchSize');
    expect(() => validateModelSpec(spec, 'contrastive')).toThrow(/1, 2, 4, 7, 14, 28/);
    const coarse = tinySpec({ imageSide: 28, imageTower: 'flexivit', patchSize: 7, coarsePatchSize: 10 });
    expect(fieldOf(() => validateModelSpec(coarse, 'contrastive'))).toBe('model.coarsePatchSize');
  });

  it('names vitHeads when the heads do not divide the width', () => {
    expect(fieldOf(() => validateModelSpec(tinySpec({ imageTower: 'flexivit', vitDim: 10, vitHeads: 4 }), 'contrastive'))).toBe(
      'model.vitHeads',
    );
  });

  it('ignores patch sizes for the MLP tower', () => {
    expect(fieldOf(() => validateModelSpec(tinySpec({ imageTower: 'mlp', patchSize: 3 }), 'contrastive'))).toBeNull();
  });

  it('lists divisors', () => {
    expect(divisorsOf(12)).toEqual([1, 2, 3, 4, 6, 12]);
  });
});
