import { UserInputError, type Resolution, type ScoringContext, type Selection, type Selector, type SelectorFactory, type SelectorSettings } from '@sieve/core';
import {
  checkBatchFits,
  checkChunks,
  independentScores,
  jointSample,
  parseChunks,
  parseJointMode,
  parseResolution,
  rejectUnknownOptions,
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
export class FlexiJestSelector implements Selector {
  readonly name = 'flexi-jest';

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
      diagnostics.coarseFineSpearman = spearman(scored, otherScored);
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

export function parseFlexiJestOptions(settings: SelectorSettings): FlexiJestOptions {
  const { options } = settings;
  rejectUnknownOptions(options, ['mode', 'chunks', 'scoringResolution', 'coarseTrainingFraction', 'correlationEvery'], 'flexi-jest');
  const chunks = parseChunks(options.chunks, settings.chunks);
  checkBatchFits(settings.batchSize, settings.superBatchSize);
  checkChunks(settings.batchSize, chunks, options.chunks === undefined ? '--chunks' : 'selectorOptions.chunks');
  const coarseTrainingFraction = options.coarseTrainingFraction ?? 0.5;
  if (typeof coarseTrainingFraction !== 'number' || !(coarseTrainingFraction >= 0 && coarseTrainingFraction <= 1)) {
    throw new UserInputError(
      'selectorOptions.coarseTrainingFraction',
      `must be a number from 0 to 1 (the share of each batch trained at the coarse resolution), got ${JSON.stringify(coarseTrainingFraction)}.`,
    );
  }
  const correlationEvery = options.correlationEvery ?? 10;
  if (typeof correlationEvery !== 'number' || !Number.isInteger(correlationEvery) || correlationEvery < 0) {
    throw new UserInputError(
      'selectorOptions.correlationEvery',
      `must be a whole number of steps, 0 to turn the coarse/fine correlation off, got ${JSON.stringify(correlationEvery)}.`,
    );
  }
  return {
    mode: parseJointMode(options.mode),
    chunks,
    scoringResolution: parseResolution(options.scoringResolution, 'coarse'),
    coarseTrainingFraction,
    correlationEvery,
  };
}

export const flexiJestSelectorFactory: SelectorFactory = {
  name: 'flexi-jest',
  summary: 'Flexi-JEST: JEST scored at low resolution; the learner trains half fine, half coarse.',
  create(settings: SelectorSettings): Selector {
    return new FlexiJestSelector(parseFlexiJestOptions(settings));
  },
};
