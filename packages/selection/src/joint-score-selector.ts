import type { ScoringContext, Selection, Selector } from '@sieve/core';
import type { JointSelectorOptions } from './joint-selector-options';
import { jointSample } from './joint-sample';
import { scoreDiagnostics } from './diagnostics';
import { scoreMatrix } from './score-matrix';
import { prefilterByReferenceLoss, prefilterCount } from './prefilter';
import type { ScoreName } from './validation';

/**
 * Joint selection by one score matrix: asks the context for the losses `options.score` needs,
 * draws the batch in chunks with the joint sampler and reports the score's diagnostics. `jest`,
 * `hard-negative` and `easy-reference` are this selector with different names and scores.
 *
 * With a `prefilter` below 1 it is a cascade: the reference's cached per-example losses first
 * keep that fraction of the super-batch (lowest loss first), and only those are scored and
 * sampled from. From step `learnerSteps + 1` on (when set), the score falls back to
 * `easy-reference`, which needs no learner pass. A prefilter that keeps exactly b leaves nothing
 * to choose: the kept candidates are the batch, and no score matrix is built.
 */
export class JointScoreSelector implements Selector {
  constructor(
    readonly name: string,
    readonly options: JointSelectorOptions,
  ) {}

  async select(context: ScoringContext): Promise<Selection> {
    const { mode, chunks, resolution, prefilter, learnerSteps } = this.options;
    const score: ScoreName = learnerSteps !== null && context.step > learnerSteps ? 'easy-reference' : this.options.score;
    const kept =
      prefilter < 1 ? await prefilterByReferenceLoss(context, prefilterCount(prefilter, context.superBatchSize, context.batchSize)) : undefined;
    if (kept !== undefined && kept.length === context.batchSize) return { indices: kept, diagnostics: await prefilterOnlyDiagnostics(context, kept) };
    const matrix = await scoreMatrix(context, score, { resolution, candidates: kept });
    const local = jointSample(matrix.values, matrix.size, context.batchSize, chunks, { mode, rng: context.rng });
    const indices = kept ? local.map((i) => kept[i]) : local;
    const diagnostics = scoreDiagnostics(score, matrix, local);
    // The share of steps the learner scored on, averaged per point like any diagnostic.
    if (learnerSteps !== null) diagnostics.learnerScored = score === this.options.score ? 1 : 0;
    return { indices, diagnostics };
  }
}

/** The reference's mean positive-pair loss over the kept candidates and over the super-batch, from the pool's cached losses. */
async function prefilterOnlyDiagnostics(context: ScoringContext, kept: Int32Array): Promise<Record<string, number>> {
  const poolLosses = await context.poolReferenceLosses();
  const { candidatePoolIndices, superBatchSize } = context;
  let chosen = 0;
  for (const position of kept) chosen += poolLosses[candidatePoolIndices[position]];
  let all = 0;
  for (let i = 0; i < superBatchSize; i++) all += poolLosses[candidatePoolIndices[i]];
  return { meanReferenceLossChosen: chosen / kept.length, meanReferenceLossSuperBatch: all / superBatchSize };
}
