import type { ScoreMatrix } from './score-matrix';
import type { ScoreName } from './validation';

/** Mean of the diagonal S_ii over the chosen candidates and over the whole super-batch. */
export function diagonalMeans(matrix: ScoreMatrix, indices: ArrayLike<number>): { chosen: number; superBatch: number } {
  const { size, values } = matrix;
  let all = 0;
  for (let i = 0; i < size; i++) all += values[i * size + i];
  let chosen = 0;
  for (let j = 0; j < indices.length; j++) chosen += values[indices[j] * (size + 1)];
  return { chosen: indices.length > 0 ? chosen / indices.length : 0, superBatch: size > 0 ? all / size : 0 };
}

/**
 * Cheap per-step numbers for the benchmark point, named after what the score's diagonal is:
 * learnability (L_learner - L_reference of each positive pair or example), the learner's loss,
 * or the reference's loss. Comparing `...Chosen` with `...SuperBatch` shows how far the
 * selection leans.
 */
export function scoreDiagnostics(score: ScoreName, matrix: ScoreMatrix, indices: ArrayLike<number>): Record<string, number> {
  const { chosen, superBatch } = diagonalMeans(matrix, indices);
  switch (score) {
    case 'learnability':
      return { meanLearnabilityChosen: chosen, meanLearnabilitySuperBatch: superBatch };
    case 'hard-learner':
      return { meanLearnerLossChosen: chosen, meanLearnerLossSuperBatch: superBatch };
    case 'easy-reference':
      // S = -L_reference: report the loss itself.
      return { meanReferenceLossChosen: -chosen, meanReferenceLossSuperBatch: -superBatch };
  }
}
