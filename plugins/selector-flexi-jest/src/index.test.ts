import { describe, expect, it } from 'vitest';
import { Rng, UserInputError, type LossMatrix } from '@sieve/core';
import { selectorFactoryOf } from '@sieve/selection';
import { describeSelectorConformance, fixedScoringContext, randomPairwiseLosses, selectionProblems, selectorSettings as settings } from '@sieve/selection/testing';
import flexiJest, { type FlexiJestSelector } from './index';

describeSelectorConformance(flexiJest);

const flexiJestSelectorFactory = selectorFactoryOf(flexiJest);

function losses(seed: number): { learner: LossMatrix; coarse: LossMatrix; reference: LossMatrix } {
  const rng = new Rng(seed);
  const learner = randomPairwiseLosses(rng, 40);
  // The coarse learner sees a monotone transform of the fine losses: a perfect rank match.
  const coarse: LossMatrix = { kind: 'pairwise', size: 40, values: learner.values.map((v) => 2 * v + 1) };
  return { learner, coarse, reference: { kind: 'pairwise', size: 40, values: new Float32Array(40 * 40) } };
}

describe('flexi-jest', () => {
  it('scores at the coarse resolution, returns b distinct indices and a half-coarse training mix', async () => {
    const { learner, coarse, reference } = losses(1);
    const context = fixedScoringContext({ batchSize: 8, learner, coarseLearner: coarse, reference, step: 3 });
    const selection = await flexiJestSelectorFactory.create(settings()).select(context);
    expect(selectionProblems(selection, 40, 8)).toEqual([]);
    expect(context.lossRequests).toContainEqual({ model: 'learner', resolution: 'coarse' });
    expect(context.lossRequests).not.toContainEqual({ model: 'learner', resolution: 'fine' });
    expect(selection.trainingResolutions?.filter((r) => r === 'coarse')).toHaveLength(4);
    expect(selection.trainingResolutions?.filter((r) => r === 'fine')).toHaveLength(4);
  });

  it('selects exactly what jest would on the coarse learnability matrix', async () => {
    const { learner, coarse, reference } = losses(2);
    const greedy = settings({ mode: 'greedy' });
    const onCoarse = await flexiJestSelectorFactory.create(greedy).select(fixedScoringContext({ batchSize: 8, learner, coarseLearner: coarse, reference }));
    // Greedy selection by S = coarse - 0 equals greedy selection on `coarse` served as the fine learner.
    const asFine = await flexiJestSelectorFactory
      .create(settings({ mode: 'greedy', scoringResolution: 'fine' }))
      .select(fixedScoringContext({ batchSize: 8, learner: coarse, reference }));
    expect(Array.from(onCoarse.indices)).toEqual(Array.from(asFine.indices));
  });

  it('reports the coarse/fine rank correlation every correlationEvery steps', async () => {
    const { learner, coarse, reference } = losses(3);
    const selector = flexiJestSelectorFactory.create(settings({ correlationEvery: 5 }));
    const onStep5 = fixedScoringContext({ batchSize: 8, learner, coarseLearner: coarse, reference, step: 5 });
    const result = await selector.select(onStep5);
    expect(result.diagnostics?.coarseFineSpearman).toBeCloseTo(1, 12);
    expect(onStep5.lossRequests).toContainEqual({ model: 'learner', resolution: 'fine' });
    const onStep6 = fixedScoringContext({ batchSize: 8, learner, coarseLearner: coarse, reference, step: 6 });
    expect((await selector.select(onStep6)).diagnostics?.coarseFineSpearman).toBeUndefined();
  });

  it('is reproducible with a seed', async () => {
    const { learner, coarse, reference } = losses(4);
    const run = (seed: number) =>
      flexiJestSelectorFactory.create(settings()).select(fixedScoringContext({ batchSize: 8, learner, coarseLearner: coarse, reference, seed }));
    const [a, b, c] = await Promise.all([run(7), run(7), run(8)]);
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(a.trainingResolutions).toEqual(b.trainingResolutions);
    expect(Array.from(a.indices)).not.toEqual(Array.from(c.indices));
  });

  it('rejects bad options naming the field', () => {
    expect(() => flexiJestSelectorFactory.create(settings({ coarseTrainingFraction: 2 }))).toThrow(/coarseTrainingFraction/);
    expect(() => flexiJestSelectorFactory.create(settings({ correlationEvery: -1 }))).toThrow(UserInputError);
    expect(() => flexiJestSelectorFactory.create(settings({ scoringResolution: 'tiny' }))).toThrow(/scoringResolution|resolution/);
    expect(() => flexiJestSelectorFactory.create({ ...settings(), batchSize: 10 })).toThrow(/divisible|divide/);
    expect(() => flexiJestSelectorFactory.create(settings({ colour: 1 }))).toThrow(/selectorOptions.colour/);
  });

  it('is a selector for users whose defaults score coarse, train half of each batch coarse, and correlate coarse and fine every 10 steps', () => {
    expect([flexiJest.name, flexiJest.benchmarkOnly, flexiJest.seesNoiseTags]).toEqual(['flexi-jest', undefined, undefined]);
    const SETTINGS = settings({}, { batchSize: 32, superBatchSize: 160, chunks: 16 });
    expect((flexiJest.create(flexiJest.options.parse({}), SETTINGS) as FlexiJestSelector).options).toEqual({
      mode: 'sample',
      chunks: 16,
      scoringResolution: 'coarse',
      coarseTrainingFraction: 0.5,
      correlationEvery: 10,
    });
  });
});
