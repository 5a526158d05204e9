import { describe, expect, it } from 'vitest';
import { isUserInputError, type UserInputError } from '@sieve/core';
import { checkBatchFits, checkChunks, choiceOption, numberOption, parseJointMode, parseScoreName, RESOLUTIONS } from './validation';

function errorOf(run: () => unknown): UserInputError {
  try {
    run();
  } catch (error) {
    if (isUserInputError(error)) return error;
    throw error;
  }
  throw new Error('expected a UserInputError');
}

describe('validation', () => {
  it('accepts a chunk count that divides the batch and rejects one that does not, naming --chunks', () => {
    expect(() => checkChunks(256, 16)).not.toThrow();
    expect(() => checkChunks(6, 6)).not.toThrow();
    const error = errorOf(() => checkChunks(100, 16));
    expect(error.field).toBe('--chunks');
    expect(error.message).toMatch(/^--chunks: the batch size 100 is not divisible by 16 chunks/);
    // 10 is the largest divisor of 100 that is at most 16.
    expect(error.message).toContain('e.g. 10');
    expect(errorOf(() => checkChunks(4, 8)).field).toBe('--chunks');
    expect(errorOf(() => checkChunks(4, 0)).field).toBe('--chunks');
    expect(errorOf(() => checkChunks(12, 5, 'selectorOptions.chunks')).field).toBe('selectorOptions.chunks');
  });

  it('rejects a batch larger than the super-batch, naming --train-batch-size', () => {
    expect(() => checkBatchFits(256, 1280)).not.toThrow();
    expect(() => checkBatchFits(5, 5)).not.toThrow();
    const error = errorOf(() => checkBatchFits(6, 5));
    expect(error.field).toBe('--train-batch-size');
    expect(error.message).toContain('larger than the super-batch');
    expect(errorOf(() => checkBatchFits(0, 5)).field).toBe('--train-batch-size');
    expect(errorOf(() => checkBatchFits(2.5, 5)).field).toBe('--train-batch-size');
  });

  it('parses mode and score names with defaults, listing the valid names otherwise', () => {
    expect(parseJointMode(undefined)).toBe('sample');
    expect(parseJointMode('greedy')).toBe('greedy');
    const mode = errorOf(() => parseJointMode('gready'));
    expect(mode.field).toBe('selectorOptions.mode');
    expect(mode.message).toMatch(/^selectorOptions\.mode: unknown value "gready"/);
    expect(mode.message).toContain('sample, greedy');

    expect(parseScoreName(undefined)).toBe('learnability');
    expect(parseScoreName('easy-reference')).toBe('easy-reference');
    const score = errorOf(() => parseScoreName('loss'));
    expect(score.field).toBe('selectorOptions.score');
    expect(score.message).toContain('learnability, hard-learner, easy-reference');
    expect(errorOf(() => parseScoreName(3)).field).toBe('selectorOptions.score');
  });

  it('choiceOption: the default when unset, a choice as given, anything else refused listing the choices', () => {
    const resolution = choiceOption(RESOLUTIONS, 'fine');
    expect(resolution.parse(undefined)).toBe('fine');
    expect(resolution.parse('coarse')).toBe('coarse');
    expect(resolution.safeParse('low').error?.issues[0].message).toBe('unknown value "low". Valid values: fine, coarse (default fine).');
    expect(resolution.safeParse(1).error?.issues[0].message).toBe('unknown value 1. Valid values: fine, coarse (default fine).');
  });

  it('numberOption: a number that passes the check; anything else refused with the problem and the value', () => {
    const fraction = numberOption('must be a number from 0 to 1', (value) => value >= 0 && value <= 1);
    expect(fraction.parse(0.5)).toBe(0.5);
    expect(fraction.safeParse(1.5).error?.issues[0].message).toBe('must be a number from 0 to 1, got 1.5.');
    expect(fraction.safeParse('half').error?.issues[0].message).toBe('must be a number from 0 to 1, got "half".');
    expect(fraction.safeParse(NaN).error?.issues[0].message).toBe('must be a number from 0 to 1, got null.');
  });
});
