import { describe, expect, it } from 'vitest';
import { isUserInputError, type LossMatrix } from '@sieve/core';
import { fixedScoringContext } from './testing/scoring-context-fixture';
import { scoreMatrix, scoreMatrixFromLosses } from './score-matrix';
import type { ScoreName } from './validation';

const pairwise = (size: number, values: number[]): LossMatrix => ({ kind: 'pairwise', size, values: Float32Array.from(values) });
const perExample = (values: number[]): LossMatrix => ({ kind: 'per-example', size: values.length, values: Float32Array.from(values) });

describe('scoreMatrixFromLosses', () => {
  // L_learner = [[3, 1], [2, 4]], L_reference = [[1, 1], [0.5, 1]].
  const learner = pairwise(2, [3, 1, 2, 4]);
  const reference = pairwise(2, [1, 1, 0.5, 1]);

  it('builds learnability, hard-learner and easy-reference matrices entry by entry', () => {
    // Learnability: [[3 - 1, 1 - 1], [2 - 0.5, 4 - 1]] = [[2, 0], [1.5, 3]].
    expect(Array.from(scoreMatrixFromLosses('learnability', learner, reference).values)).toEqual([2, 0, 1.5, 3]);
    expect(Array.from(scoreMatrixFromLosses('hard-learner', learner).values)).toEqual([3, 1, 2, 4]);
    expect(Array.from(scoreMatrixFromLosses('easy-reference', undefined, reference).values)).toEqual([-1, -1, -0.5, -1]);
    expect(scoreMatrixFromLosses('learnability', learner, reference)).toMatchObject({ size: 2, kind: 'pairwise' });
  });

  it('puts per-example scores on the diagonal of an otherwise zero matrix', () => {
    const matrix = scoreMatrixFromLosses('learnability', perExample([3, 2, 5]), perExample([1, 2.5, 1]));
    // Learnability 2, -0.5, 4 on the diagonal.
    expect(matrix).toMatchObject({ size: 3, kind: 'per-example' });
    expect(Array.from(matrix.values)).toEqual([2, 0, 0, 0, -0.5, 0, 0, 0, 4]);
  });

  it('refuses missing, mismatched or mis-sized losses and unknown score names', () => {
    expect(() => scoreMatrixFromLosses('learnability', learner)).toThrow('needs reference losses');
    expect(() => scoreMatrixFromLosses('learnability', learner, perExample([1, 2]))).toThrow('do not match');
    expect(() => scoreMatrixFromLosses('hard-learner', pairwise(2, [1, 2, 3]))).toThrow('must hold 4 values');
    try {
      scoreMatrixFromLosses('loss' as ScoreName, learner, reference);
      expect.unreachable();
    } catch (error) {
      expect(isUserInputError(error) && error.field).toBe('selectorOptions.score');
      expect((error as Error).message).toContain('learnability, hard-learner, easy-reference');
    }
  });
});

describe('scoreMatrix', () => {
  const learner = pairwise(2, [3, 1, 2, 4]);
  const coarseLearner = pairwise(2, [5, 5, 5, 5]);
  const reference = pairwise(2, [1, 1, 0.5, 1]);

  it('asks only for the losses the score needs, at the requested learner resolution', async () => {
    const context = () => fixedScoringContext({ batchSize: 1, learner, coarseLearner, reference });

    const learnability = context();
    expect(Array.from((await scoreMatrix(learnability, 'learnability', { resolution: 'coarse' })).values)).toEqual([4, 4, 4.5, 4]);
    expect([...learnability.lossRequests].sort((a, b) => a.model.localeCompare(b.model))).toEqual([
      { model: 'learner', resolution: 'coarse' },
      { model: 'reference', resolution: 'fine' },
    ]);

    const hard = context();
    await scoreMatrix(hard, 'hard-learner');
    expect(hard.lossRequests).toEqual([{ model: 'learner', resolution: 'fine' }]);

    const easy = context();
    await scoreMatrix(easy, 'easy-reference');
    expect(easy.lossRequests).toEqual([{ model: 'reference', resolution: 'fine' }]);
  });

  it('refuses losses that do not cover the super-batch', async () => {
    const context = fixedScoringContext({ batchSize: 1, superBatchSize: 3, learner });
    await expect(scoreMatrix(context, 'hard-learner')).rejects.toThrow('3 were asked for');
  });
});
