import { describe, expect, it } from 'vitest';
import { diagonalMeans, scoreDiagnostics } from './diagnostics';
import type { ScoreMatrix } from './score-matrix';

// Diagonal 1, 5, 3 (off-diagonal entries must not count).
const matrix: ScoreMatrix = { kind: 'pairwise', size: 3, values: Float32Array.from([1, 9, 9, 9, 5, 9, 9, 9, 3]) };

describe('diagnostics', () => {
  it('averages the diagonal over the chosen candidates and over the super-batch', () => {
    // Chosen 1 and 2: (5 + 3) / 2 = 4; all: (1 + 5 + 3) / 3 = 3.
    expect(diagonalMeans(matrix, [1, 2])).toEqual({ chosen: 4, superBatch: 3 });
    expect(diagonalMeans(matrix, [])).toEqual({ chosen: 0, superBatch: 3 });
  });

  it('names the numbers after the score, reporting the reference loss with its sign', () => {
    expect(scoreDiagnostics('learnability', matrix, [1, 2])).toEqual({ meanLearnabilityChosen: 4, meanLearnabilitySuperBatch: 3 });
    expect(scoreDiagnostics('hard-learner', matrix, [0])).toEqual({ meanLearnerLossChosen: 1, meanLearnerLossSuperBatch: 3 });
    expect(scoreDiagnostics('easy-reference', matrix, [0])).toEqual({
      meanReferenceLossChosen: -1,
      meanReferenceLossSuperBatch: -3,
    });
  });
});
