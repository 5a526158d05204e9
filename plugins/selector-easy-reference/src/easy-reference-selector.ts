import type { ScoringContext, Selection, Selector, SelectorFactory, SelectorSettings } from '@sieve/core';
import { jointSample, parseJointSelectorOptions, scoreDiagnostics, scoreMatrix, type JointSelectorOptions } from '@sieve/selection';

/**
 * "Easy reference" joint selection: S = -L_reference, so the batch leans towards what the
 * reference model (trained on curated data) finds easy. Never runs the learner, so it costs
 * no learner scoring.
 *
 * Options (`selectorOptions`): `mode` (`sample` default, or `greedy`), `chunks` (default: the run's).
 */
export class EasyReferenceSelector implements Selector {
  readonly name = 'easy-reference';

  constructor(readonly options: JointSelectorOptions) {}

  async select(context: ScoringContext): Promise<Selection> {
    const { mode, chunks } = this.options;
    const matrix = await scoreMatrix(context, 'easy-reference');
    const indices = jointSample(matrix.values, matrix.size, context.batchSize, chunks, { mode, rng: context.rng });
    return { indices, diagnostics: scoreDiagnostics('easy-reference', matrix, indices) };
  }
}

export const easyReferenceSelectorFactory: SelectorFactory = {
  name: 'easy-reference',
  summary: 'Joint sampling by low reference-model loss (what the curated model finds easy).',
  create(settings: SelectorSettings): Selector {
    return new EasyReferenceSelector(parseJointSelectorOptions(settings, 'easy-reference', 'easy-reference'));
  },
};
