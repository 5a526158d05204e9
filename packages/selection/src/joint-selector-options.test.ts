import { describe, expect, it } from 'vitest';
import type { SelectorSettings } from '@sieve/core';
import { parseJointSelectorOptions } from './joint-selector-options';
import { selectorSettings, userErrorField as fieldOf } from './testing';

// The benchmark's selection size: b = 256 of N = 1,280 in 16 chunks.
const settings = (options: Record<string, unknown> = {}, overrides: Partial<SelectorSettings> = {}): SelectorSettings =>
  selectorSettings(options, { batchSize: 256, superBatchSize: 1280, chunks: 16, ...overrides });

describe('parseJointSelectorOptions', () => {
  it('fills in the defaults and the run chunk count', () => {
    expect(parseJointSelectorOptions(settings(), 'jest')).toEqual({
      mode: 'sample',
      score: 'learnability',
      chunks: 16,
      resolution: 'fine',
      prefilter: 1,
      learnerSteps: null,
    });
    expect(
      parseJointSelectorOptions(
        settings({ mode: 'greedy', score: 'hard-learner', chunks: 8, resolution: 'coarse', prefilter: 0.5, learnerSteps: 300 }),
        'jest',
      ),
    ).toEqual({ mode: 'greedy', score: 'hard-learner', chunks: 8, resolution: 'coarse', prefilter: 0.5, learnerSteps: 300 });
  });

  it('refuses a prefilter that could not fill a batch and learner steps that are not a whole number, naming the option', () => {
    // b / N = 256 / 1280 = 0.2: a prefilter keeping less could not fill the batch.
    const { batchSize, superBatchSize } = settings();
    const smallest = batchSize / superBatchSize;
    expect(() => parseJointSelectorOptions(settings({ prefilter: smallest / 2 }), 'jest')).toThrow(/selectorOptions.prefilter/);
    expect(() => parseJointSelectorOptions(settings({ prefilter: 1.5 }), 'jest')).toThrow(/selectorOptions.prefilter/);
    expect(parseJointSelectorOptions(settings({ prefilter: smallest }), 'jest').prefilter).toBe(smallest);
    expect(() => parseJointSelectorOptions(settings({ learnerSteps: 2.5 }), 'jest')).toThrow(/selectorOptions.learnerSteps/);
    // learnerSteps with a score that never runs the learner (the cascade's default, easy-reference): named, with the score it needs.
    expect(() => parseJointSelectorOptions(settings({ learnerSteps: 10 }), 'easy-reference', 'easy-reference')).toThrow(
      /selectorOptions.learnerSteps: selector "easy-reference" scores with "easy-reference", which never runs the learner, .*score=learnability/,
    );
    expect(() => parseJointSelectorOptions(settings({ learnerSteps: 10 }), 'cascade', undefined, { score: 'easy-reference' })).toThrow(/score=learnability/);
    expect(parseJointSelectorOptions(settings({ learnerSteps: 10, score: 'learnability' }), 'cascade', undefined, { score: 'easy-reference' }).learnerSteps).toBe(10);
  });

  it('fixes the score when asked, and then takes no score option', () => {
    expect(parseJointSelectorOptions(settings(), 'hard-negative', 'hard-learner').score).toBe('hard-learner');
    expect(fieldOf(() => parseJointSelectorOptions(settings({ score: 'learnability' }), 'hard-negative', 'hard-learner'))).toBe(
      'selectorOptions.score',
    );
    // The reference always runs at full resolution, so easy-reference has no resolution option.
    expect(fieldOf(() => parseJointSelectorOptions(settings({ resolution: 'coarse' }), 'easy-reference', 'easy-reference'))).toBe(
      'selectorOptions.resolution',
    );
  });

  it('names the field of each bad setting', () => {
    expect(fieldOf(() => parseJointSelectorOptions(settings({ mode: 'best' }), 'jest'))).toBe('selectorOptions.mode');
    expect(fieldOf(() => parseJointSelectorOptions(settings({ score: 'loss' }), 'jest'))).toBe('selectorOptions.score');
    expect(fieldOf(() => parseJointSelectorOptions(settings({ resolution: 'low' }), 'jest'))).toBe('selectorOptions.resolution');
    expect(fieldOf(() => parseJointSelectorOptions(settings({ chunk: 4 }), 'jest'))).toBe('selectorOptions.chunk');
    expect(fieldOf(() => parseJointSelectorOptions(settings({}, { chunks: 15 }), 'jest'))).toBe('--chunks');
    expect(fieldOf(() => parseJointSelectorOptions(settings({ chunks: 15 }), 'jest'))).toBe('selectorOptions.chunks');
    expect(fieldOf(() => parseJointSelectorOptions(settings({}, { batchSize: 2048 }), 'jest'))).toBe('--train-batch-size');
  });
});
