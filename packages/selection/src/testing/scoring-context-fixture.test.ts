import { describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { fixedScoringContext, randomPairwiseLosses, randomPerExampleLosses } from './scoring-context-fixture';

describe('fixedScoringContext', () => {
  it('serves copies of the given losses, infers N and the task, and records each request', async () => {
    const learner = randomPairwiseLosses(new Rng(1), 4);
    const coarseLearner = randomPairwiseLosses(new Rng(2), 4);
    const reference = randomPairwiseLosses(new Rng(3), 4);
    const context = fixedScoringContext({ batchSize: 2, learner, coarseLearner, reference });
    expect(context.superBatchSize).toBe(4);
    expect(context.task).toBe('contrastive');

    const fine = await context.losses('learner');
    expect(fine.values).toEqual(learner.values);
    fine.values[0] = -1;
    expect((await context.losses('learner')).values[0]).toBe(learner.values[0]);
    expect((await context.losses('learner', { resolution: 'coarse' })).values).toEqual(coarseLearner.values);
    // The reference always runs fine.
    expect((await context.losses('reference', { resolution: 'coarse' })).values).toEqual(reference.values);
    expect(context.lossRequests).toEqual([
      { model: 'learner', resolution: 'fine' },
      { model: 'learner', resolution: 'fine' },
      { model: 'learner', resolution: 'coarse' },
      { model: 'reference', resolution: 'fine' },
    ]);
  });

  it('treats per-example losses as classification and refuses losses it was not given', async () => {
    const context = fixedScoringContext({ batchSize: 1, learner: randomPerExampleLosses(new Rng(1), 3) });
    expect(context.task).toBe('classification');
    expect(context.superBatchSize).toBe(3);
    await expect(context.losses('reference')).rejects.toThrow('no reference losses');
  });

  it('seeds rng from the seed and step, like the engine', () => {
    const draw = (seed: number, step: number) =>
      fixedScoringContext({ batchSize: 1, superBatchSize: 2, seed, step }).rng.nextFloat();
    expect(draw(5, 3)).toBe(draw(5, 3));
    expect(draw(5, 3)).not.toBe(draw(5, 4));
    expect(draw(5, 3)).not.toBe(draw(6, 3));
  });

  it('answers noise tags only when allowed', () => {
    const noiseTags = ['clean', 'junk'];
    expect(() => fixedScoringContext({ batchSize: 1, noiseTags }).noiseTags()).toThrow('seesNoiseTags');
    const allowed = fixedScoringContext({ batchSize: 1, noiseTags, seesNoiseTags: true });
    expect(allowed.superBatchSize).toBe(2);
    expect(allowed.noiseTags()).toEqual(noiseTags);
    expect(allowed.noiseTagRequests).toBe(1);
  });

  it('serves the given pool losses and candidate pool indices, 0..N-1 by default', async () => {
    const byDefault = fixedScoringContext({ batchSize: 1, superBatchSize: 3 });
    expect(Array.from(byDefault.candidatePoolIndices)).toEqual([0, 1, 2]);
    await expect(byDefault.poolReferenceLosses()).rejects.toThrow('no poolReferenceLosses');

    const poolReferenceLosses = Float32Array.from([0.5, 1.5, 2.5, 3.5]);
    const candidatePoolIndices = Int32Array.from([3, 1]);
    const context = fixedScoringContext({ batchSize: 1, poolReferenceLosses, candidatePoolIndices });
    expect(context.superBatchSize).toBe(2);
    expect(context.candidatePoolIndices).toBe(candidatePoolIndices);
    expect(await context.poolReferenceLosses()).toBe(poolReferenceLosses);
    expect(context.poolLossRequests).toBe(1);
    expect(context.lossRequests).toEqual([]);
    expect(() => fixedScoringContext({ batchSize: 1, superBatchSize: 3, candidatePoolIndices })).toThrow('2 candidatePoolIndices');
  });

  it("refuses, as the engine does, what the selector's needs leave out", async () => {
    const reference = randomPairwiseLosses(new Rng(3), 4);
    const learner = randomPairwiseLosses(new Rng(4), 4);
    const poolReferenceLosses = Float32Array.from([0.5, 1.5, 2.5, 3.5]);
    const given = { batchSize: 1, learner, reference, poolReferenceLosses, selectorName: 'mine' };
    const none = fixedScoringContext({ ...given, needs: {} });
    await expect(none.losses('reference')).rejects.toThrow(/selector "mine" asked for the reference model's losses .*referenceModel: true/);
    await expect(none.poolReferenceLosses()).rejects.toThrow(/pool's reference losses .*poolReferenceLosses: true/);
    expect((await none.losses('learner')).size).toBe(4);
    const poolOnly = fixedScoringContext({ ...given, needs: { poolReferenceLosses: true } });
    expect(await poolOnly.poolReferenceLosses()).toBe(poolReferenceLosses);
    await expect(poolOnly.losses('reference')).rejects.toThrow(/referenceModel: true/);
    // The reference model serves the pool's losses too.
    const model = fixedScoringContext({ ...given, needs: { referenceModel: true } });
    expect(await model.poolReferenceLosses()).toBe(poolReferenceLosses);
    expect((await model.losses('reference')).values).toEqual(reference.values);
  });

  it('draws random losses inside the asked range', () => {
    const losses = randomPairwiseLosses(new Rng(9), 10, 1, 2);
    expect(losses.values.length).toBe(100);
    expect(Math.min(...losses.values)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...losses.values)).toBeLessThan(2);
  });
});
