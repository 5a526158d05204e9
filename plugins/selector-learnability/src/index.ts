import { z } from 'zod';
import { defineSelector, type Resolution, type ScoringContext, type Selection } from '@sieve/core';
import { RESOLUTIONS, choiceOption, independentScores, scoreDiagnostics, scoreMatrix, topK } from '@sieve/selection';

/**
 * RHO-LOSS style independent selection: keeps the b candidates with the highest learnability
 * (learner loss - reference loss), each scored on its own, deterministically.
 *
 * On the contrastive task a candidate's loss depends on the rest of the batch, so "its own"
 * score is its expected contribution to a batch of b drawn uniformly from the super-batch:
 *   S_ii + ((b - 1) / (N - 1)) * sum over k != i of (S_ik + S_ki),  S = L_learner - L_reference
 * (see `independentScores`). This is what selection would be if it ignored that the chosen
 * examples become each other's negatives, which is the comparison JEST's joint sampling is
 * measured against. On classification it is the per-example loss difference.
 *
 * Options (`selectorOptions`): `resolution`, the learner's scoring resolution (`fine` default, or `coarse`).
 */
export class LearnabilitySelector {
  constructor(readonly resolution: Resolution) {}

  async select(context: ScoringContext): Promise<Selection> {
    const matrix = await scoreMatrix(context, 'learnability', { resolution: this.resolution });
    const indices = topK(independentScores(matrix, context.batchSize), context.batchSize);
    return { indices, diagnostics: scoreDiagnostics('learnability', matrix, indices) };
  }
}

export default defineSelector({
  name: 'learnability',
  summary: 'RHO-LOSS style: the top b candidates by their own learnability (learner loss - reference loss).',
  options: z.strictObject({ resolution: choiceOption(RESOLUTIONS, 'fine') }),
  needs: { referenceModel: true },
  create: ({ resolution }) => new LearnabilitySelector(resolution),
});
