import type { LossMatrix, LossRequest, ScoringContext } from '@sieve/core';
import { parseScoreName, type ScoreName } from './validation';

/** An N x N row-major score matrix S over the super-batch (diagonal for per-example losses). */
export interface ScoreMatrix {
  size: number;
  values: Float32Array;
  /** `per-example` when built from per-example losses: only the diagonal is non-zero. */
  kind: LossMatrix['kind'];
}

/** The models each score needs the losses of. */
export function modelsForScore(score: ScoreName): { learner: boolean; reference: boolean } {
  return { learner: score !== 'easy-reference', reference: score !== 'hard-learner' };
}

/**
 * Asks the context for the losses `score` needs and builds S:
 * - `learnability`: S = L_learner - L_reference
 * - `hard-learner`: S = L_learner
 * - `easy-reference`: S = -L_reference
 * `request.resolution` (e.g. `coarse`) applies to the learner; the reference runs fine.
 * `request.candidates` limits both models to those positions of the super-batch (a cascade).
 */
export async function scoreMatrix(
  context: ScoringContext,
  score: ScoreName,
  request?: LossRequest,
): Promise<ScoreMatrix> {
  const name = parseScoreName(score);
  const needs = modelsForScore(name);
  const [learner, reference] = await Promise.all([
    needs.learner ? context.losses('learner', request) : undefined,
    needs.reference ? context.losses('reference', { candidates: request?.candidates }) : undefined,
  ]);
  const matrix = scoreMatrixFromLosses(name, learner, reference);
  const expected = request?.candidates?.length ?? context.superBatchSize;
  if (matrix.size !== expected) {
    throw new Error(`losses cover ${matrix.size} candidates but ${expected} were asked for`);
  }
  return matrix;
}

/** `scoreMatrix` from losses already in hand. */
export function scoreMatrixFromLosses(score: ScoreName, learner?: LossMatrix, reference?: LossMatrix): ScoreMatrix {
  const name = parseScoreName(score);
  const needs = modelsForScore(name);
  if (needs.learner && !learner) throw new Error(`the ${name} score needs learner losses`);
  if (needs.reference && !reference) throw new Error(`the ${name} score needs reference losses`);
  const first = (learner ?? reference)!;
  if (learner && reference && (learner.kind !== reference.kind || learner.size !== reference.size)) {
    throw new Error(
      `learner losses (${learner.kind}, N = ${learner.size}) and reference losses ` +
        `(${reference.kind}, N = ${reference.size}) do not match`,
    );
  }
  const { size, kind } = first;
  const expectedLength = kind === 'pairwise' ? size * size : size;
  for (const losses of [learner, reference]) {
    if (losses && losses.values.length !== expectedLength) {
      throw new Error(`${kind} losses for N = ${size} must hold ${expectedLength} values, got ${losses.values.length}`);
    }
  }

  // Entry e of the losses goes to entry e of S (pairwise) or to the diagonal (per-example).
  const values = new Float32Array(size * size);
  const stride = kind === 'pairwise' ? 1 : size + 1;
  const count = kind === 'pairwise' ? size * size : size;
  const l = learner?.values;
  const r = reference?.values;
  if (name === 'learnability') for (let e = 0; e < count; e++) values[e * stride] = l![e] - r![e];
  else if (name === 'hard-learner') for (let e = 0; e < count; e++) values[e * stride] = l![e];
  else for (let e = 0; e < count; e++) values[e * stride] = -r![e];
  return { size, values, kind };
}
