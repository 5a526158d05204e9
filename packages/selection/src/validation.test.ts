import { describe, expect, it } from 'vitest';
import { isUserInputError, type UserInputError } from '@sieve/core';
import {
  checkBatchFits,
  checkChunks,
  parseChunks,
  parseJointMode,
  parseResolution,
  parseScoreName,
  rejectUnknownOptions,
} from './validation';

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

  it('parses mode, score and resolution names with defaults, listing the valid names otherwise', () => {
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

    expect(parseResolution(undefined)).toBe('fine');
    expect(parseResolution('coarse')).toBe('coarse');
    expect(errorOf(() => parseResolution('low')).field).toBe('selectorOptions.resolution');
  });

  it('parses the chunk option as a positive whole number', () => {
    expect(parseChunks(undefined, 16)).toBe(16);
    expect(parseChunks(8, 16)).toBe(8);
    expect(errorOf(() => parseChunks(0, 16)).field).toBe('selectorOptions.chunks');
    expect(errorOf(() => parseChunks('8', 16)).field).toBe('selectorOptions.chunks');
  });

  it('rejects unknown option names, listing the known ones', () => {
    expect(() => rejectUnknownOptions({ mode: 'greedy' }, ['mode', 'score'], 'jest')).not.toThrow();
    const error = errorOf(() => rejectUnknownOptions({ moed: 'greedy' }, ['mode', 'score'], 'jest'));
    expect(error.field).toBe('selectorOptions.moed');
    expect(error.message).toContain('mode, score');
    expect(errorOf(() => rejectUnknownOptions({ x: 1 }, [], 'uniform')).message).toContain('takes no options');
  });
});
