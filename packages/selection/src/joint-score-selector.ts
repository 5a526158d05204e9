import type { ScoringContext, Selection, Selector } from '@sieve/core';
import type { JointSelectorOptions } from './joint-selector-options';
import { jointSample } from './joint-sample';
import { scoreDiagnostics } from './diagnostics';
import { scoreMatrix } from './score-matrix';

/**
 * Joint selection by one score matrix: asks the context for the losses `options.score` needs,
 * draws the batch in chunks with the joint sampler and reports the score's diagnostics. `jest`,
 * `hard-negative` and `easy-reference` are this selector with different names and scores.
 */
export class JointScoreSelector implements Selector {
  constructor(
    readonly name: string,
    readonly options: JointSelectorOptions,
  ) {}

  async select(context: ScoringContext): Promise<Selection> {
    const { mode, score, chunks, resolution } = this.options;
    const matrix = await scoreMatrix(context, score, { resolution });
    const indices = jointSample(matrix.values, matrix.size, context.batchSize, chunks, { mode, rng: context.rng });
    return { indices, diagnostics: scoreDiagnostics(score, matrix, indices) };
  }
}
