import type { ScoreMatrix } from './score-matrix';

/**
 * Each candidate's score on its own, for selectors that rank candidates independently
 * (RHO-LOSS style top-b) instead of jointly.
 *
 * Pairwise S (contrastive task): a batch of b has score sum over i, j in it of S_ij, so
 * candidate i brings S_ii plus S_ik + S_ki for every other member k. Over batches of b drawn
 * uniformly from the N candidates with i in them, each other candidate is a member with
 * probability (b - 1) / (N - 1), so i's expected contribution is
 *
 *     S_ii + ((b - 1) / (N - 1)) * sum over k != i of (S_ik + S_ki)
 *
 * Per-example S (classification): the diagonal, i.e. the per-example score itself.
 * One pass over S: O(N^2).
 */
export function independentScores(matrix: ScoreMatrix, batchSize: number): Float64Array {
  const { size, values } = matrix;
  const scores = new Float64Array(size);
  for (let i = 0; i < size; i++) scores[i] = values[i * size + i];
  if (matrix.kind === 'per-example' || size < 2) return scores;

  // Row sums plus column sums, each including the diagonal once, which is taken off below.
  const crossSums = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const row = i * size;
    let rowSum = 0;
    for (let k = 0; k < size; k++) {
      const s = values[row + k];
      rowSum += s;
      crossSums[k] += s;
    }
    crossSums[i] += rowSum;
  }
  const memberProbability = (batchSize - 1) / (size - 1);
  for (let i = 0; i < size; i++) scores[i] += memberProbability * (crossSums[i] - 2 * scores[i]);
  return scores;
}
