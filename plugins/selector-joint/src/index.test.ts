import { describe, expect, it } from 'vitest';
import { Rng, type LossMatrix, type SelectorSettings } from '@sieve/core';
import { selectorFactoryOf, topK } from '@sieve/selection';
import {
  describeSelectorConformance,
  fixedScoringContext,
  liveTensorCount,
  randomPairwiseLosses,
  randomPerExampleLosses,
  selectionProblems,
  selectorSettings as settings,
  userErrorField as fieldOf,
} from '@sieve/selection/testing';
import presets, { cascade, easyReference, hardNegative, jest, type JointSelector } from './index';

/** The preset's selector for these settings, its options checked as the engine checks them. */
const create = (preset: (typeof presets)[number], runSettings: SelectorSettings) => selectorFactoryOf(preset).create(runSettings);

for (const preset of presets) describeSelectorConformance(preset);

describe('the joint selector presets', () => {
  it('are the four built-in names, each with its documented defaults (b = 32 of N = 160 in 16 chunks, no selectorOptions)', () => {
    const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };
    const defaults = (preset: (typeof presets)[number]) => (preset.create(preset.options.parse({}), SETTINGS) as JointSelector).options;
    expect(presets.map((preset) => preset.name)).toEqual(['cascade', 'jest', 'hard-negative', 'easy-reference']);
    for (const preset of presets) expect([preset.benchmarkOnly, preset.seesNoiseTags]).toEqual([undefined, undefined]);
    // cascade: the reference keeps 70% of the super-batch, then joint sampling by the reference's score.
    expect(defaults(cascade)).toEqual({ mode: 'sample', score: 'easy-reference', chunks: 16, resolution: 'fine', prefilter: 0.7, learnerSteps: null });
    expect(defaults(jest)).toEqual({ mode: 'sample', score: 'learnability', chunks: 16, resolution: 'fine', prefilter: 1, learnerSteps: null });
    expect(defaults(hardNegative)).toEqual({ mode: 'sample', score: 'hard-learner', chunks: 16, resolution: 'fine', prefilter: 1, learnerSteps: null });
    expect(defaults(easyReference)).toEqual({ mode: 'sample', score: 'easy-reference', chunks: 16, resolution: 'fine', prefilter: 1, learnerSteps: null });
    expect(create(jest, SETTINGS).name).toBe('jest');
  });

  it('need the reference model where the score reads it, and the pool losses where a prefilter does (b = 32 of N = 160)', () => {
    const SETTINGS: SelectorSettings = { task: 'contrastive', batchSize: 32, superBatchSize: 160, chunks: 16, seed: 0, options: {} };
    const needs = (preset: (typeof presets)[number], options: Record<string, unknown> = {}) => create(preset, { ...SETTINGS, options }).needs;
    expect(needs(cascade)).toEqual({ referenceModel: true, poolReferenceLosses: true });
    expect(needs(jest)).toEqual({ referenceModel: true, poolReferenceLosses: false });
    expect(needs(easyReference)).toEqual({ referenceModel: true, poolReferenceLosses: false });
    expect(needs(hardNegative)).toEqual({ referenceModel: false, poolReferenceLosses: false });
    // A prefilter that keeps exactly b = 32 of 160 (0.2) leaves no score to compute: the pool's losses alone.
    expect(needs(cascade, { prefilter: 0.2 })).toEqual({ referenceModel: false, poolReferenceLosses: true });
    expect(needs(cascade, { prefilter: 0.25 })).toEqual({ referenceModel: true, poolReferenceLosses: true });
    expect(needs(jest, { score: 'hard-learner' })).toEqual({ referenceModel: false, poolReferenceLosses: false });
    // After learnerSteps the score falls back to easy-reference, which reads the reference.
    expect(needs(jest, { score: 'hard-learner', learnerSteps: 5 })).toEqual({ referenceModel: true, poolReferenceLosses: false });
  });
});

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
    const selector = create(cascade, settings({ mode: 'greedy', prefilter: 0.5 }, small));
    const context = fixedScoringContext({ batchSize: 2, reference, poolReferenceLosses });
    const selection = await selector.select(context);
    expect(Array.from(selection.indices)).toEqual([1, 3]);
    expect(context.lossRequests).toEqual([{ model: 'reference', resolution: 'fine', candidates: [1, 5, 3] }]);
    expect(context.poolLossRequests).toBe(1);
    // Reference loss of the chosen (0.1 + 0.3) / 2; of the scored candidates (0.1 + 0.2 + 0.3) / 3.
    expect(selection.diagnostics!.meanReferenceLossChosen).toBeCloseTo(0.2, 6);
    expect(selection.diagnostics!.meanReferenceLossSuperBatch).toBeCloseTo(0.2, 6);

    const unfiltered = create(cascade, settings({ mode: 'greedy', prefilter: 1 }, small));
    expect(Array.from((await unfiltered.select(fixedScoringContext({ batchSize: 2, reference, poolReferenceLosses }))).indices)).toEqual([1, 0]);
  });

  it('when the prefilter keeps exactly b, trains on those and builds no score matrix', async () => {
    // round(1/3 x 6) = 2 = b: candidates 1 (0.1) and 5 (0.2), whatever the score.
    for (const score of ['easy-reference', 'learnability']) {
      const selector = create(cascade, settings({ score, prefilter: 1 / 3 }, small));
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
    const selector = create(cascade, settings({ mode: 'greedy', prefilter: 0.5 }, small));
    const context = fixedScoringContext({ batchSize: 2, reference, poolReferenceLosses: reversed, candidatePoolIndices });
    await selector.select(context);
    expect(context.lossRequests[0].candidates).toEqual([1, 5, 3]);
  });

  it('with a learner score, lets the learner score the kept candidates for learnerSteps steps and then only the reference', async () => {
    const learner = randomPairwiseLosses(new Rng(2), 6);
    const selector = create(cascade, settings({ score: 'learnability', prefilter: 0.5, learnerSteps: 2 }, small));
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
    const selector = create(cascade, settings());
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
    expect(fieldOf(() => create(cascade, settings({ prefilter: 0.1 })))).toBe('selectorOptions.prefilter');
    expect(fieldOf(() => create(cascade, settings({ prefilter: 'half' })))).toBe('selectorOptions.prefilter');
    expect(fieldOf(() => create(cascade, settings({ learnerSteps: 5 })))).toBe('selectorOptions.learnerSteps');
    expect(fieldOf(() => create(cascade, settings({ score: 'learnability', learnerSteps: -1 })))).toBe('selectorOptions.learnerSteps');
    expect(fieldOf(() => create(cascade, settings({ score: 'best' })))).toBe('selectorOptions.score');
  });
});

describe('jest selector', () => {
  it('returns b distinct indices in [0, N), reproducibly for a seed, leaving no tensors', async () => {
    const selector = create(jest, settings());
    const learner = randomPairwiseLosses(new Rng(1), 40);
    const reference = randomPairwiseLosses(new Rng(2), 40);
    const tensorsBefore = await liveTensorCount();
    const draws: number[][] = [];
    for (const seed of [3, 3, 4]) {
      const context = fixedScoringContext({ batchSize: 8, learner, reference, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 40, 8)).toEqual([]);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('picks the hand-worked batch in greedy mode and reports the learnability of what it chose', async () => {
    // S = L_learner - L_reference with L_reference = 1 everywhere and L_learner = S + 1, where S is
    // the 6 x 6 matrix worked by hand in packages/selection/src/joint-sample.test.ts: b = 4, n = 2
    // gives 0, 1 (by the diagonal 5, 4, 3, 2, 1, 0), then 5 and 3 by their conditional scores.
    // prettier-ignore
    const S = [
       5, 0, 0,  0, 0, 2,
       0, 4, 0,  0, 0, 0,
      -2, 0, 3, 10, 0, 0,
       0, 0, 0,  2, 0, 0,
       0, 1, 0,  0, 1, 0,
       3, 0, 0,  0, 0, 0,
    ];
    const learner: LossMatrix = { kind: 'pairwise', size: 6, values: Float32Array.from(S, (s) => s + 1) };
    const reference: LossMatrix = { kind: 'pairwise', size: 6, values: new Float32Array(36).fill(1) };
    const selector = create(jest, settings({ mode: 'greedy' }, { batchSize: 4, superBatchSize: 6, chunks: 2 }));
    const context = fixedScoringContext({ batchSize: 4, learner, reference });
    const selection = await selector.select(context);
    expect(Array.from(selection.indices)).toEqual([0, 1, 5, 3]);
    // Chosen diagonal 5, 4, 0, 2: mean 11 / 4 = 2.75. All six: 15 / 6 = 2.5.
    expect(selection.diagnostics).toEqual({ meanLearnabilityChosen: 2.75, meanLearnabilitySuperBatch: 2.5 });
    expect(context.lossRequests).toHaveLength(2);
  });

  it('in sample mode, mostly keeps the learnable candidates', async () => {
    // 20 of 40 candidates have learnability 4 on the diagonal, the others 0 (off-diagonal 0).
    // The first chunk's odds are e^4 = 55 to 1 per candidate, so nearly all of b = 8 are learnable.
    const size = 40;
    const learner: LossMatrix = { kind: 'pairwise', size, values: new Float32Array(size * size).fill(1) };
    for (let i = 0; i < size; i += 2) learner.values[i * size + i] = 5;
    const reference: LossMatrix = { kind: 'pairwise', size, values: new Float32Array(size * size).fill(1) };
    const selector = create(jest, settings());
    let learnable = 0;
    for (let step = 1; step <= 50; step++) {
      const { indices } = await selector.select(fixedScoringContext({ batchSize: 8, learner, reference, step }));
      for (const index of indices) if (index % 2 === 0) learnable++;
    }
    // Expected fraction above 0.95; uniform selection would give 0.5.
    expect(learnable / (50 * 8)).toBeGreaterThan(0.9);
  });

  it('on per-example losses (classification), greedy mode is the independent top-b of the loss difference', async () => {
    const learner = randomPerExampleLosses(new Rng(5), 40);
    const reference = randomPerExampleLosses(new Rng(6), 40);
    const selector = create(jest, settings({ mode: 'greedy' }, { task: 'classification' }));
    const { indices } = await selector.select(fixedScoringContext({ batchSize: 8, learner, reference }));
    const difference = Float32Array.from(learner.values, (l, i) => l - reference.values[i]);
    expect(Array.from(indices)).toEqual(Array.from(topK(difference, 8)));
  });

  it('asks for the losses its score needs, at the configured learner resolution', async () => {
    const learner = randomPairwiseLosses(new Rng(1), 40);
    const reference = randomPairwiseLosses(new Rng(2), 40);
    const run = async (options: Record<string, unknown>) => {
      const context = fixedScoringContext({ batchSize: 8, learner, reference });
      const selection = await create(jest, settings(options)).select(context);
      return { requests: [...context.lossRequests].sort((a, b) => a.model.localeCompare(b.model)), selection };
    };
    expect((await run({ resolution: 'coarse' })).requests).toEqual([
      { model: 'learner', resolution: 'coarse' },
      { model: 'reference', resolution: 'fine' },
    ]);
    const hard = await run({ score: 'hard-learner' });
    expect(hard.requests).toEqual([{ model: 'learner', resolution: 'fine' }]);
    expect(Object.keys(hard.selection.diagnostics ?? {})).toEqual(['meanLearnerLossChosen', 'meanLearnerLossSuperBatch']);
    expect((await run({ score: 'easy-reference' })).requests).toEqual([{ model: 'reference', resolution: 'fine' }]);
  });

  it('rejects bad settings with UserInputErrors naming the field', () => {
    expect(fieldOf(() => create(jest, settings({ mode: 'top' })))).toBe('selectorOptions.mode');
    expect(fieldOf(() => create(jest, settings({ score: 'loss' })))).toBe('selectorOptions.score');
    expect(fieldOf(() => create(jest, settings({}, { chunks: 3 })))).toBe('--chunks');
    expect(fieldOf(() => create(jest, settings({ chunks: 3 })))).toBe('selectorOptions.chunks');
    expect(fieldOf(() => create(jest, settings({}, { batchSize: 48 })))).toBe('--train-batch-size');
    expect(fieldOf(() => create(jest, settings({ temperature: 2 })))).toBe('selectorOptions.temperature');
  });
});

describe('easy-reference selector', () => {
  it('returns b distinct indices in [0, N), reproducibly for a seed, from reference losses alone, leaving no tensors', async () => {
    const selector = create(easyReference, settings());
    const reference = randomPairwiseLosses(new Rng(1), 40);
    const tensorsBefore = await liveTensorCount();
    const draws: number[][] = [];
    for (const seed of [3, 3, 4]) {
      const context = fixedScoringContext({ batchSize: 8, reference, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 40, 8)).toEqual([]);
      expect(context.lossRequests).toEqual([{ model: 'reference', resolution: 'fine' }]);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('picks the hand-worked batch in greedy mode (N = 4, b = 2, n = 2)', async () => {
    // S = -L_reference. Chunk 1 by the diagonal -2, -0.5, -1, -3: candidate 1.
    // Chunk 2 by s(i | {1}) = -(L_ii + L_i1 + L_1i): i = 0: -2; i = 2: -(1 + L_12) = -(1 + 5) = -6; i = 3: -3.
    // So 1 then 0 (independent top-2 would be 1, 2).
    // prettier-ignore
    const reference: LossMatrix = { kind: 'pairwise', size: 4, values: Float32Array.from([
      2, 0,   0, 0,
      0, 0.5, 5, 0,
      0, 0,   1, 0,
      0, 0,   0, 3,
    ]) };
    const selector = create(easyReference, settings({ mode: 'greedy' }, { batchSize: 2, superBatchSize: 4, chunks: 2 }));
    const selection = await selector.select(fixedScoringContext({ batchSize: 2, reference }));
    expect(Array.from(selection.indices)).toEqual([1, 0]);
    // Reference loss of the chosen (0.5 + 2) / 2 = 1.25; of all (2 + 0.5 + 1 + 3) / 4 = 1.625.
    expect(selection.diagnostics).toEqual({ meanReferenceLossChosen: 1.25, meanReferenceLossSuperBatch: 1.625 });
  });

  it('rejects bad settings with UserInputErrors naming the field', () => {
    expect(fieldOf(() => create(easyReference, settings({ mode: 'top' })))).toBe('selectorOptions.mode');
    expect(fieldOf(() => create(easyReference, settings({ resolution: 'coarse' })))).toBe('selectorOptions.resolution');
    expect(fieldOf(() => create(easyReference, settings({ chunks: 5 })))).toBe('selectorOptions.chunks');
    expect(fieldOf(() => create(easyReference, settings({}, { batchSize: 48 })))).toBe('--train-batch-size');
  });
});

describe('hard-negative selector', () => {
  it('returns b distinct indices in [0, N), reproducibly for a seed, from learner losses alone, leaving no tensors', async () => {
    const selector = create(hardNegative, settings());
    const learner = randomPairwiseLosses(new Rng(1), 40);
    const tensorsBefore = await liveTensorCount();
    const draws: number[][] = [];
    for (const seed of [3, 3, 4]) {
      const context = fixedScoringContext({ batchSize: 8, learner, seed });
      const selection = await selector.select(context);
      expect(selectionProblems(selection, 40, 8)).toEqual([]);
      expect(context.lossRequests).toEqual([{ model: 'learner', resolution: 'fine' }]);
      draws.push(Array.from(selection.indices));
    }
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    expect(await liveTensorCount()).toBe(tensorsBefore);
  });

  it('picks the hand-worked batch in greedy mode (N = 4, b = 2, n = 2)', async () => {
    // S = L_learner. Chunk 1 by the diagonal 1, 3, 2, 0.5: candidate 1.
    // Chunk 2 by s(i | {1}) = L_ii + L_i1 + L_1i: i = 0: 1; i = 2: 2; i = 3: 0.5 + L_31 = 0.5 + 4 = 4.5.
    // So 1 then 3 (independent top-2 would be 1, 2).
    // prettier-ignore
    const learner: LossMatrix = { kind: 'pairwise', size: 4, values: Float32Array.from([
      1, 0, 0, 0,
      0, 3, 0, 0,
      0, 0, 2, 0,
      0, 4, 0, 0.5,
    ]) };
    const selector = create(hardNegative, settings({ mode: 'greedy' }, { batchSize: 2, superBatchSize: 4, chunks: 2 }));
    const selection = await selector.select(fixedScoringContext({ batchSize: 2, learner }));
    expect(Array.from(selection.indices)).toEqual([1, 3]);
    // Chosen diagonal (3 + 0.5) / 2 = 1.75; all (1 + 3 + 2 + 0.5) / 4 = 1.625.
    expect(selection.diagnostics).toEqual({ meanLearnerLossChosen: 1.75, meanLearnerLossSuperBatch: 1.625 });
  });

  it('scores at the configured learner resolution', async () => {
    const context = fixedScoringContext({ batchSize: 8, learner: randomPairwiseLosses(new Rng(1), 40) });
    await create(hardNegative, settings({ resolution: 'coarse' })).select(context);
    expect(context.lossRequests).toEqual([{ model: 'learner', resolution: 'coarse' }]);
  });

  it('rejects bad settings with UserInputErrors naming the field', () => {
    expect(fieldOf(() => create(hardNegative, settings({ mode: 'top' })))).toBe('selectorOptions.mode');
    expect(fieldOf(() => create(hardNegative, settings({ score: 'learnability' })))).toBe('selectorOptions.score');
    expect(fieldOf(() => create(hardNegative, settings({}, { chunks: 3 })))).toBe('--chunks');
    expect(fieldOf(() => create(hardNegative, settings({}, { batchSize: 48 })))).toBe('--train-batch-size');
  });
});

describe('the presets\' options (b = 256 of N = 1,280 in 16 chunks, as in the benchmark)', () => {
  const big = (options: Record<string, unknown> = {}, overrides: Partial<SelectorSettings> = {}) =>
    settings(options, { batchSize: 256, superBatchSize: 1280, chunks: 16, ...overrides });
  /** What the preset runs with, after the same checks as the engine's. */
  const optionsOf = (preset: (typeof presets)[number], options: Record<string, unknown>) => {
    create(preset, big(options));
    return (preset.create(preset.options.parse(options), big(options)) as JointSelector).options;
  };
  const messageOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };

  it('takes every option as given', () => {
    expect(optionsOf(jest, { mode: 'greedy', score: 'hard-learner', chunks: 8, resolution: 'coarse', prefilter: 0.5, learnerSteps: 300 })).toEqual({
      mode: 'greedy',
      score: 'hard-learner',
      chunks: 8,
      resolution: 'coarse',
      prefilter: 0.5,
      learnerSteps: 300,
    });
  });

  it('refuses a prefilter that could not fill a batch and learner steps that are not a whole number, naming the option', () => {
    // b / N = 256 / 1280 = 0.2: a prefilter keeping less could not fill the batch.
    expect(messageOf(() => create(jest, big({ prefilter: 0.1 })))).toBe(
      "selectorOptions.prefilter: must be the fraction of the super-batch kept by the reference's loss before scoring, a number from b/N = 0.200 to 1 (1: no prefilter), got 0.1.",
    );
    expect(fieldOf(() => create(jest, big({ prefilter: 1.5 })))).toBe('selectorOptions.prefilter');
    expect(fieldOf(() => create(jest, big({ prefilter: 'half' })))).toBe('selectorOptions.prefilter');
    expect(optionsOf(jest, { prefilter: 0.2 }).prefilter).toBe(0.2);
    expect(messageOf(() => create(jest, big({ learnerSteps: 2.5 })))).toBe(
      "selectorOptions.learnerSteps: must be the number of steps the learner scores for before the selection falls back to the reference's score (0 or more; unset: every step), got 2.5.",
    );
    // learnerSteps with a score that never runs the learner (the cascade's default, easy-reference): named, with the score it needs.
    expect(messageOf(() => create(easyReference, big({ learnerSteps: 10 })))).toBe(
      'selectorOptions.learnerSteps: selector "easy-reference" scores with "easy-reference", which never runs the learner, so "learnerSteps" does nothing; add --selector-option score=learnability (or another learner score) to use it.',
    );
    expect(messageOf(() => create(cascade, big({ learnerSteps: 10 })))).toMatch(/score=learnability/);
    expect(optionsOf(cascade, { learnerSteps: 10, score: 'learnability' }).learnerSteps).toBe(10);
  });

  it('fixes the score of hard-negative and easy-reference, which then take no score option', () => {
    expect(messageOf(() => create(hardNegative, big({ score: 'learnability' })))).toBe(
      'selectorOptions.score: selector "hard-negative" has no option "score". Valid options: mode, chunks, prefilter, resolution, learnerSteps.',
    );
    // The reference always runs at full resolution, so easy-reference has no resolution option.
    expect(fieldOf(() => create(easyReference, big({ resolution: 'coarse' })))).toBe('selectorOptions.resolution');
    expect(messageOf(() => create(easyReference, big({ temperature: 1 })))).toBe('selectorOptions.temperature: selector "easy-reference" has no option "temperature". Valid options: mode, chunks, prefilter.');
  });

  it('names the field of each bad setting, and what is wrong with it', () => {
    expect(messageOf(() => create(jest, big({ mode: 'best' })))).toBe('selectorOptions.mode: unknown value "best". Valid values: sample, greedy (default sample).');
    expect(messageOf(() => create(cascade, big({ score: 'loss' })))).toBe(
      'selectorOptions.score: unknown value "loss". Valid values: learnability, hard-learner, easy-reference (default easy-reference).',
    );
    expect(fieldOf(() => create(jest, big({ resolution: 'low' })))).toBe('selectorOptions.resolution');
    expect(messageOf(() => create(jest, big({ chunk: 4 })))).toBe(
      'selectorOptions.chunk: selector "jest" has no option "chunk". Valid options: mode, chunks, prefilter, score, resolution, learnerSteps.',
    );
    expect(fieldOf(() => create(jest, big({}, { chunks: 15 })))).toBe('--chunks');
    expect(fieldOf(() => create(jest, big({ chunks: 15 })))).toBe('selectorOptions.chunks');
    expect(messageOf(() => create(jest, big({ chunks: 0 })))).toBe('selectorOptions.chunks: must be a positive whole number that divides the batch size, got 0.');
    expect(fieldOf(() => create(jest, big({}, { batchSize: 2048 })))).toBe('--train-batch-size');
  });
});
