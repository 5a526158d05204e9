import { describe, expect, it } from 'vitest';
import { type Embeddings, type LossMatrix } from '@sieve/core';
import { selectorFactoryOf } from '@sieve/selection';
import { describeSelectorConformance, fixedScoringContext, selectorSettings, userErrorField } from '@sieve/selection/testing';
import diverseLearnability from './index';

describeSelectorConformance(diverseLearnability, {
  tasks: ['contrastive'],
  badOptions: [
    { options: { threshold: 0 }, field: 'selectorOptions.threshold' },
    { options: { resolution: 'low' }, field: 'selectorOptions.resolution' },
  ],
});

const diverseLearnabilitySelectorFactory = selectorFactoryOf(diverseLearnability);

/** Pairwise losses whose learnability S = L_learner - L_reference is diagonal, with these entries. */
function lossesWithLearnability(diagonal: number[]): { learner: LossMatrix; reference: LossMatrix } {
  const n = diagonal.length;
  const reference = new Float32Array(n * n).fill(1);
  const learner = reference.map((value, e) => (e % (n + 1) === 0 ? value + diagonal[e / (n + 1)] : value));
  return { learner: { kind: 'pairwise', size: n, values: learner }, reference: { kind: 'pairwise', size: n, values: reference } };
}

/** Unit vectors along the given axes of a `dim`-dimensional space; equal axes are exact copies. */
function axisEmbeddings(axes: number[], dim: number): Embeddings {
  const values = new Float32Array(axes.length * dim);
  axes.forEach((axis, row) => (values[row * dim + axis] = 1));
  return { dim, values };
}

function select(diagonal: number[], axes: number[], batchSize: number, candidatePoolIndices?: Int32Array) {
  const settings = selectorSettings({}, { batchSize, superBatchSize: diagonal.length });
  const context = fixedScoringContext({
    batchSize,
    ...lossesWithLearnability(diagonal),
    poolReferenceImageEmbeddings: axisEmbeddings(axes, 4),
    candidatePoolIndices,
  });
  return diverseLearnabilitySelectorFactory.create(settings).select(context);
}

describe('diverse-learnability selector', () => {
  it('trains on one of a group of copies, where learnability would take two (hand-worked, N = 4, b = 2)', async () => {
    // Learnability 5, 4, 3, 2; images 0 and 1 are copies (pool rows 0 and 1 on one axis).
    // Plain learnability keeps 0 and 1. Row 1 has a copy at a lower pool index, so it ranks
    // after 0, 2 and 3, and the batch is 0 and 2.
    const { indices, diagnostics } = await select([5, 4, 3, 2], [0, 0, 1, 2], 2);
    expect(Array.from(indices)).toEqual([0, 2]);
    expect(diagnostics?.redundantShareOfCandidates).toBe(0.25);
    expect(diagnostics?.redundantShareChosen).toBe(0);
  });

  it('keeps the lower pool index of a group, wherever it sits in the super-batch', async () => {
    // Candidates at positions 0..3 are pool rows 3, 2, 1, 0: position 3 (pool row 0) and
    // position 2 (pool row 1) are copies, and pool row 1 is the redundant one.
    const { indices } = await select([1, 2, 3, 4], [0, 0, 1, 2], 2, Int32Array.from([3, 2, 1, 0]));
    // Learnability order 3, 2, 1, 0; position 2 is redundant: 3, 1.
    expect(Array.from(indices)).toEqual([3, 1]);
  });

  it('fills the batch with copies, best first, only when nothing else is left (N = b = 3)', async () => {
    const { indices, diagnostics } = await select([1, 3, 2], [0, 0, 0], 3);
    expect(Array.from(indices)).toEqual([0, 1, 2]);
    expect(diagnostics?.redundantShareChosen).toBeCloseTo(2 / 3, 6);
  });

  it('rejects the classification task, a bad threshold and unknown options, naming the field', () => {
    expect(diverseLearnability.seesNoiseTags).toBeFalsy();
    expect(userErrorField(() => diverseLearnabilitySelectorFactory.create(selectorSettings({}, { task: 'classification' })))).toBe('--task');
    expect(userErrorField(() => diverseLearnabilitySelectorFactory.create(selectorSettings({ threshold: 1.5 })))).toBe('selectorOptions.threshold');
    expect(userErrorField(() => diverseLearnabilitySelectorFactory.create(selectorSettings({ threshold: 'high' })))).toBe('selectorOptions.threshold');
    expect(userErrorField(() => diverseLearnabilitySelectorFactory.create(selectorSettings({ radius: 1 })))).toBe('selectorOptions.radius');
  });
});
