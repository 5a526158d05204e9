import { z } from 'zod';
import { UserInputError, defineSelector, type Embeddings, type Resolution, type ScoringContext, type Selection } from '@sieve/core';
import { RESOLUTIONS, choiceOption, independentScores, numberOption, scoreDiagnostics, scoreMatrix } from '@sieve/selection';
import { cosine, findNearDuplicates, type NearDuplicates } from './near-duplicates';

export { findNearDuplicates, type NearDuplicates } from './near-duplicates';

/** Cosine similarity of reference image embeddings at and above which two images are near-duplicates. */
export const DEFAULT_THRESHOLD = 0.997;

/**
 * Learnability with a penalty on near-duplicate images: RHO-LOSS style independent learnability
 * (learner loss - reference loss, as the `learnability` selector ranks it), except that
 *
 * 1. a candidate whose image is a near-duplicate of a pool example with a lower index (cosine of
 *    the reference's image embeddings >= `threshold`) is *redundant*: it ranks after every
 *    candidate that is not, so each group of copies in the pool is trained on through one
 *    representative;
 * 2. within the batch, a candidate that is a near-duplicate of one already chosen is passed over
 *    while others remain (two copies in one contrastive batch are each other's false negatives).
 *
 * Passed-over candidates fill the batch, best first, only when nothing else is left, so the
 * selection always has b indices. The pool's near-duplicates are found once per run (see
 * `findNearDuplicates`) and remembered for the embeddings they came from, so every step and a
 * resumed run see the same answer.
 *
 * Options (`selectorOptions`): `threshold` (default 0.997), `resolution` of the learner's scoring
 * (`fine` default, or `coarse`).
 */
export class DiverseLearnabilitySelector {
  constructor(
    readonly threshold: number,
    readonly resolution: Resolution,
  ) {}

  async select(context: ScoringContext): Promise<Selection> {
    const embeddings = await context.poolReferenceImageEmbeddings();
    const { redundant, redundantShare } = nearDuplicatesOf(embeddings, this.threshold);
    const matrix = await scoreMatrix(context, 'learnability', { resolution: this.resolution });
    const scores = independentScores(matrix, context.batchSize);
    const pool = context.candidatePoolIndices;
    // Candidates that are not redundant first, each group best first; ties by position.
    const order = Array.from({ length: context.superBatchSize }, (_, i) => i).sort(
      (a, b) => redundant[pool[a]] - redundant[pool[b]] || scores[b] - scores[a] || a - b,
    );
    const chosen: number[] = [];
    const passedOver: number[] = [];
    for (const candidate of order) {
      if (chosen.length === context.batchSize) break;
      const copiesChosen = chosen.some((other) => cosine(embeddings.values, pool[candidate] * embeddings.dim, pool[other] * embeddings.dim, embeddings.dim) >= this.threshold);
      if (copiesChosen) passedOver.push(candidate);
      else chosen.push(candidate);
    }
    chosen.push(...passedOver.slice(0, context.batchSize - chosen.length));
    const indices = Int32Array.from(chosen);
    let redundantChosen = 0;
    for (const i of indices) redundantChosen += redundant[pool[i]];
    let redundantCandidates = 0;
    for (const poolIndex of pool) redundantCandidates += redundant[poolIndex];
    return {
      indices,
      diagnostics: {
        ...scoreDiagnostics('learnability', matrix, indices),
        redundantShareOfPool: redundantShare,
        redundantShareOfCandidates: redundantCandidates / context.superBatchSize,
        redundantShareChosen: redundantChosen / indices.length,
      },
    };
  }
}

/**
 * The near-duplicates of one set of embeddings, found once and remembered: the engine returns the
 * same array at every step of a run, so this is one search per run (and per threshold).
 */
const searches = new WeakMap<Float32Array, Map<number, PoolNearDuplicates>>();

interface PoolNearDuplicates extends NearDuplicates {
  /** The share of the pool marked redundant: about 0.09 on fashion-captions (5,600 copies of 1,116 images). */
  redundantShare: number;
}

function nearDuplicatesOf(embeddings: Embeddings, threshold: number): PoolNearDuplicates {
  let byThreshold = searches.get(embeddings.values);
  if (!byThreshold) searches.set(embeddings.values, (byThreshold = new Map()));
  let found = byThreshold.get(threshold);
  if (!found) {
    const search = findNearDuplicates(embeddings, threshold);
    let redundantRows = 0;
    for (const flag of search.redundant) redundantRows += flag;
    found = { ...search, redundantShare: redundantRows / search.redundant.length };
    byThreshold.set(threshold, found);
  }
  return found;
}

export default defineSelector({
  name: 'diverse-learnability',
  summary: 'Example plugin: learnability that trains on one of each group of near-duplicate images.',
  options: z.strictObject({
    threshold: numberOption('must be a cosine similarity in (0, 1], e.g. 0.997', (t) => t > 0 && t <= 1).default(DEFAULT_THRESHOLD),
    resolution: choiceOption(RESOLUTIONS, 'fine'),
  }),
  needs: { referenceModel: true },
  create({ threshold, resolution }, settings) {
    if (settings.task !== 'contrastive') {
      throw new UserInputError(
        '--task',
        "diverse-learnability compares the reference's image embeddings, which only the contrastive task has; use --task fashion-captions or idx, or --selector learnability.",
      );
    }
    return new DiverseLearnabilitySelector(threshold, resolution);
  },
});
