import { describe, expect, it } from 'vitest';
import { Rng, type LossMatrix } from '@sieve/core';
import { fixedScoringContext, liveTensorCount, randomPairwiseLosses, selectionProblems, selectorSettings as settings, userErrorField as fieldOf } from '@sieve/selection/testing';
import { cascadeSelectorFactory } from './cascade-selector';

// Reference losses of 6 candidates (pool indices 0..5); the diagonal is each positive pair's loss.
// prettier-ignore
const reference: LossMatrix = { kind: 'pairwise', size: 6, values: Float32Array.from([
  0.9, 0,   0, 0,   0,   0,
  0,   0.1, 0, 0,   0,   0,
  0,   0,   2, 0,   0,   0,
  0,   1,   0, 0.3, 0,   0,
  0,   0,   0, 0,   1.5, 0,
  0,   4,   0, 0,   0,   0.2,
]) };
const poolReferenceLosses = Float32Array.from([0.9, 0.1, 2, 0.3, 1.5, 0.2]);
const small = { batchSize: 2, superBatchSize: 6, chunks: 2 };

describe('cascade selector', () => {
  it('keeps the prefiltered candidates by reference loss, then samples jointly among them only (hand-worked, greedy)', async () => {
    // prefilter 0.5 keeps round(0.5 x 6) = 3: candidates 1 (0.1), 5 (0.2), 3 (0.3).
    // Chunk 1 by -L_ii: candidate 1. Chunk 2 by s(i | {1}) = -(L_ii + L_i1 + L_1i):
    // 5: -(0.2 + 4) = -4.2; 3: -(0.3 + 1) = -1.3. So 1 then 3.
    // Without the prefilter candidate 0 would win chunk 2: -(0.9 + 0 + 0) = -0.9.
    const selector = cascadeSelectorFactory.create(settings({ mode: 'greedy', prefilter: 0.5 }, small));
    const context = fixedScoringContext({ batchSize: 2, reference, poolReferenceLosses });
    const selection = await selector.select(context);
    expect(Array.from(selection.indices)).toEqual([1, 3]);
    expect(context.lossRequests).toEqual([{ model: 'reference', resolution: 'fine', candidates: [1, 5, 3] }]);
    expect(context.poolLossRequests).toBe(1);
    // Reference loss of the chosen (0.1 + 0.3) / 2; of the scored candidates (0.1 + 0.2 + 0.3) / 3.
    expect(selection.diagnostics!.meanReferenceLossChosen).toBeCloseTo(0.2, 6);
    expect(selection.diagnostics!.meanReferenceLossSuperBatch).toBeCloseTo(0.2, 6);

    const unfiltered = cascadeSelectorFactory.create(settings({ mode: 'greedy', prefilter: 1 }, small));
    expect(Array.from((await unfiltered.select(fixedScoringContext({ batchSize: 2, reference, poolReferenceLosses }))).indices)).toEqual([1, 0]);
  });

  it('when the prefilter keeps exactly b, trains on those and builds no score matrix', async () => {
    // round(1/3 x 6) = 2 = b: candidates 1 (0.1) and 5 (0.2), whatever the score.
    for (const score of ['easy-reference', 'learnability']) {
      const selector = cascadeSelectorFactory.create(settings({ score, prefilter: 1 / 3 }, small));
      const context = fixedScoringContext({ batchSize: 2, reference, learner: reference, poolReferenceLosses });
      const selection = await selector.select(context);
      expect(Array.from(selection.indices)).toEqual([1, 5]);
      expect(context.lossRequests).toEqual([]);
      // (0.1 + 0.2) / 2 chosen; (0.9 + 0.1 + 2 + 0.3 + 1.5 + 0.2) / 6 = 5 / 6 over the super-batch.
      expect(selection.diagnostics!.meanReferenceLossChosen).toBeCloseTo(0.15, 6);
      expect(selection.diagnostics!.meanReferenceLossSuperBatch).toBeCloseTo(5 / 6, 6);
    }
  });

  it('reads the prefilter through the candidates\' pool indices', async () => {
    // Candidate i is pool example 5 - i, so the pool losses reversed are the candidates' losses.
    const candidatePoolIndices = Int32Array.from([5, 4, 3, 2, 1, 0]);
    const reversed = Float32Array.from(poolReferenceLosses).reverse();
    const selector = cascadeSelectorFactory.create(settings({ mode: 'greedy', prefilter: 0.5 }, small));
    const context = fixedScoringContext({ batchSize: 2, reference, poolReferenceLosses: reversed, candidatePoolIndices });
    await selector.select(context);
    expect(context.lossRequests[0].candidates).toEqual([1, 5, 3]);
  });

  it('with a learner score, lets the learner score the kept candidates for learnerSteps steps and then only the reference', async () => {
    const learner = randomPairwiseLosses(new Rng(2), 6);
    const selector = cascadeSelectorFactory.create(settings({ score: 'learnability', prefilter: 0.5, learnerSteps: 2 }, small));
    for (const [step, expected] of [
      [2, [{ model: 'learner', resolution: 'fine', candidates: [1, 5, 3] }, { model: 'reference', resolution: 'fine', candidates: [1, 5, 3] }]],
      [3, [{ model: 'reference', resolution: 'fine', candidates: [1, 5, 3] }]],
    ] as const) {
      const context = fixedScoringContext({ batchSize: 2, reference, learner, poolReferenceLosses, step });
      const selection = await selector.select(context);
      expect(context.lossRequests).toEqual(expected);
      expect(selection.diagnostics!.learnerScored).toBe(step <= 2 ? 1 : 0);
      expect(selectionProblems(selection, 6, 2)).toEqual([]);
    }
  });

  it('returns b distinct indices in [0, N), reproducibly for a seed, by default with no learner pass, leaving no tensors', async () => {
    const selector = cascadeSelectorFactory.create(settings());
    const losses = randomPairwiseLosses(new Rng(1), 40);
    const pool = Float32Array.from({ length: 40 }, (_, i) => losses.values[i * 41]);
    const tensorsBefore = await liveTensorCount();
    const draws: number[][] = [];
    for (const seed of [3, 3, 4]) {
      const context = fixedScoringContext({ batchSize: 8, reference: losses, poolReferenceLosses: pool, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 40, 8)).toEqual([]);
      expect(context.lossRequests.map((r) => r.model)).toEqual(['reference']);
      // The default 0.7 x 40 = 28 candidates kept, the 28 of lowest reference loss.
      const kept = context.lossRequests[0].candidates!;
      expect(kept.length).toBe(28);
      const threshold = Math.max(...kept.map((c) => pool[c]));
      expect(Array.from(pool).filter((loss) => loss < threshold).length).toBe(27);
      for (const index of selection.indices) expect(kept).toContain(index);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('rejects bad settings with UserInputErrors naming the field', () => {
    expect(fieldOf(() => cascadeSelectorFactory.create(settings({ prefilter: 0.1 })))).toBe('selectorOptions.prefilter');
    expect(fieldOf(() => cascadeSelectorFactory.create(settings({ prefilter: 'half' })))).toBe('selectorOptions.prefilter');
    expect(fieldOf(() => cascadeSelectorFactory.create(settings({ learnerSteps: 5 })))).toBe('selectorOptions.learnerSteps');
    expect(fieldOf(() => cascadeSelectorFactory.create(settings({ score: 'learnability', learnerSteps: -1 })))).toBe('selectorOptions.learnerSteps');
    expect(fieldOf(() => cascadeSelectorFactory.create(settings({ score: 'best' })))).toBe('selectorOptions.score');
  });
});
