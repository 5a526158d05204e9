import { z } from 'zod';
import { defineSelector, type Resolution, type ScoringContext, type Selection } from '@sieve/core';
import {
  JOINT_MODES,
  RESOLUTIONS,
  choiceOption,
  chunksOf,
  chunksOption,
  independentScores,
  jointSample,
  numberOption,
  scoreDiagnostics,
  scoreMatrix,
  spearman,
  type JointMode,
} from '@sieve/selection';

export interface FlexiJestOptions {
  mode: JointMode;
  chunks: number;
  /** Resolution the learner scores the super-batch at (default `coarse`). */
  scoringResolution: Resolution;
  /** Fraction of the chosen batch trained at the coarse resolution (default 0.5). */
  coarseTrainingFraction: number;
  /**
   * Every this many steps, also score at the fine resolution to report the coarse/fine rank
   * correlation (extra scoring cost, charged to scoring like any other); 0 turns it off.
   */
  correlationEvery: number;
}

/**
 * Flexi-JEST: JEST whose learner scores the super-batch at low resolution with the same
 * weights (FlexiViT's resized patch embedding, or the MLP's resized first layer), and trains
 * on the chosen batch at mixed resolutions so that the low-resolution scores stay meaningful
 * (Evans et al. 2024).
 */
export class FlexiJestSelector {
  constructor(readonly options: FlexiJestOptions) {}

  async select(context: ScoringContext): Promise<Selection> {
    const { mode, chunks, scoringResolution, correlationEvery } = this.options;
    const matrix = await scoreMatrix(context, 'learnability', { resolution: scoringResolution });
    const indices = jointSample(matrix.values, matrix.size, context.batchSize, chunks, { mode, rng: context.rng });
    const diagnostics = scoreDiagnostics('learnability', matrix, indices);
    if (correlationEvery > 0 && context.step % correlationEvery === 0) {
      const other: Resolution = scoringResolution === 'coarse' ? 'fine' : 'coarse';
      const otherMatrix = await scoreMatrix(context, 'learnability', { resolution: other });
      // Each candidate's score summarised as its expected contribution to a random batch.
      const scored = independentScores(matrix, context.batchSize);
      const otherScored = independentScores(otherMatrix, context.batchSize);
      // Undefined (NaN) when one side is constant: then there is nothing to report.
      const correlation = spearman(scored, otherScored);
      if (Number.isFinite(correlation)) diagnostics.coarseFineSpearman = correlation;
    }
    return { indices, trainingResolutions: this.trainingResolutions(context), diagnostics };
  }

  /** A random `coarseTrainingFraction` of the batch is trained coarse, the rest fine. */
  private trainingResolutions(context: ScoringContext): Resolution[] {
    const batchSize = context.batchSize;
    const coarseCount = Math.round(batchSize * this.options.coarseTrainingFraction);
    const resolutions: Resolution[] = new Array<Resolution>(batchSize).fill('fine');
    for (const position of context.rng.sampleWithoutReplacement(batchSize, coarseCount)) resolutions[position] = 'coarse';
    return resolutions;
  }
}

export default defineSelector({
  name: 'flexi-jest',
  summary: 'Flexi-JEST: JEST scored at low resolution; the learner trains half fine, half coarse.',
  options: z.strictObject({
    mode: choiceOption(JOINT_MODES, 'sample'),
    chunks: chunksOption(),
    scoringResolution: choiceOption(RESOLUTIONS, 'coarse'),
    // Unset or null: the default.
    coarseTrainingFraction: numberOption('must be a number from 0 to 1 (the share of each batch trained at the coarse resolution)', (f) => f >= 0 && f <= 1)
      .nullish()
      .transform((fraction) => fraction ?? 0.5),
    correlationEvery: numberOption('must be a whole number of steps, 0 to turn the coarse/fine correlation off', (n) => Number.isInteger(n) && n >= 0)
      .nullish()
      .transform((every) => every ?? 10),
  }),
  needs: { referenceModel: true },
  create: ({ chunks, ...options }, settings) => new FlexiJestSelector({ ...options, chunks: chunksOf(chunks, settings) }),
});
