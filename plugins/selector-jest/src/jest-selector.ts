import type { ScoringContext, Selection, Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { jointSample, parseJointSelectorOptions, scoreDiagnostics, scoreMatrix, type JointSelectorOptions } from '@sieve/selection';

/**
 * JEST joint example selection (Evans et al. 2024): scores the super-batch with the learner
 * and the frozen reference, S = L_learner - L_reference, and draws the batch in chunks, each
 * chunk by its learnability given the chunks already drawn (design.md §1).
 *
 * Options (`selectorOptions`):
 * - `mode`: `sample` (default; softmax sampling) or `greedy` (top conditional scores)
 * - `score`: `learnability` (default), `hard-learner` or `easy-reference`
 * - `chunks`: n, the number of chunks (default: the run's `chunks`)
 * - `resolution`: the learner's scoring resolution, `fine` (default) or `coarse`
 */
export class JestSelector implements Selector {
  readonly name = 'jest';

  constructor(readonly options: JointSelectorOptions) {}

  async select(context: ScoringContext): Promise<Selection> {
    const { mode, score, chunks, resolution } = this.options;
    const matrix = await scoreMatrix(context, score, { resolution });
    const indices = jointSample(matrix.values, matrix.size, context.batchSize, chunks, { mode, rng: context.rng });
    return { indices, diagnostics: scoreDiagnostics(score, matrix, indices) };
  }
}

export const jestSelectorFactory: SelectorFactory = {
  name: 'jest',
  summary: 'JEST: joint sampling of the batch by learnability (learner loss - reference loss).',
  create(settings: SelectorSettings): Selector {
    return new JestSelector(parseJointSelectorOptions(settings, 'jest'));
  },
};
