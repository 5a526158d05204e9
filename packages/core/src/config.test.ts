import { describe, expect, it } from 'vitest';
import { checkSuperBatchFitsPool, superBatchSizeOf } from './config';
import { UserInputError } from './errors';

describe('the super-batch', () => {
  it('is N = b / (1 - f), rounded to a whole candidate', () => {
    expect(superBatchSizeOf(128, 0.8)).toBe(640);
    expect(superBatchSizeOf(100, 1 / 3)).toBe(150);
    expect(superBatchSizeOf(128, 0)).toBe(128);
  });

  it('must fit in the training pool: a larger one names --filter-ratio and both sizes', () => {
    expect(() => checkSuperBatchFitsPool(640, 640)).not.toThrow();
    expect(() => checkSuperBatchFitsPool(641, 640)).toThrow(UserInputError);
    expect(() => checkSuperBatchFitsPool(641, 640)).toThrow(
      '--filter-ratio: the super-batch (641 = b / (1 - f)) is larger than the training pool (640); lower --train-batch-size or --filter-ratio.',
    );
  });
});
