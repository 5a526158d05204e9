import type { Rng } from '@sieve/core';
import { topKExcluding } from './top-k';
import { checkBatchFits, checkChunks, parseJointMode, type JointMode } from './validation';

/** How `jointSample` draws: the mode, its random stream, and an optional look at each chunk's scores. */
export interface JointSampleOptions {
  /** `sample`: softmax sampling without replacement (Gumbel top-k); `greedy`: the top scores. */
  mode: JointMode;
  /** Required for `sample`. */
  rng?: Rng;
  /**
   * Called before each chunk is drawn with the conditional scores s(i | A) it is drawn from
   * (A = all earlier chunks). The array is reused: copy it to keep it. For tests and diagnostics.
   */
  onChunk?: (chunk: number, conditionalScores: Float64Array) => void;
}

/**
 * JEST joint example selection (Evans et al. 2024): draws b = `batchSize` distinct candidates out of
 * N = `size` in n = `chunks` chunks of b/n, and returns them in chunk order.
 *
 * The first chunk is drawn by the diagonal S_ii, each later one by the conditional score
 *   s(i | A) = S_ii + sum over k in A of (S_ik + S_ki)
 * over the candidates not yet chosen. The conditional scores live in one running vector that
 * each new chunk updates with its rows and columns, so the whole selection is O(N * b).
 *
 * Within a chunk, `sample` returns the draws in the order a sequential softmax sampler would
 * have drawn them (largest perturbed score first); `greedy` returns them best first.
 *
 * @param scores N x N row-major score matrix S
 *
 * @example
 * const indices = jointSample(S, 1280, 256, 16, { mode: 'sample', rng: context.rng });
 */
export function jointSample(
  scores: Float32Array,
  size: number,
  batchSize: number,
  chunks: number,
  options: JointSampleOptions,
): Int32Array {
  if (scores.length !== size * size) {
    throw new RangeError(`scores hold ${scores.length} values, expected size * size = ${size * size}`);
  }
  checkBatchFits(batchSize, size);
  checkChunks(batchSize, chunks);
  const { rng, onChunk } = options;
  const mode = parseJointMode(options.mode);
  if (mode === 'sample' && !rng) throw new Error('jointSample: sample mode needs an rng');

  const chunkSize = batchSize / chunks;
  const conditional = new Float64Array(size);
  for (let i = 0; i < size; i++) conditional[i] = scores[i * size + i];
  const chosen = new Uint8Array(size);
  const keys = mode === 'sample' ? new Float64Array(size) : conditional;
  const selected = new Int32Array(batchSize);

  for (let chunk = 0; chunk < chunks; chunk++) {
    onChunk?.(chunk, conditional);
    if (mode === 'sample') {
      // Gumbel top-k: the top k of (score + Gumbel noise) is a softmax sample of k without replacement.
      for (let i = 0; i < size; i++) keys[i] = chosen[i] ? 0 : conditional[i] + rng!.gumbel();
    }
    const drawn = topKExcluding(keys, chunkSize, chosen);
    const offset = chunk * chunkSize;
    selected.set(drawn, offset);
    for (const k of drawn) chosen[k] = 1;
    if (chunk < chunks - 1) addChunkToConditional(scores, size, drawn, conditional);
  }
  return selected;
}

/** conditional[i] += sum over k in chunk of (S_ik + S_ki). */
function addChunkToConditional(scores: Float32Array, size: number, chunk: Int32Array, conditional: Float64Array): void {
  // Ascending column order walks each row forwards, which the memory prefetcher likes.
  const columns = chunk.slice().sort();
  const chunkSize = columns.length;
  // S_ik: a few entries of every row.
  for (let i = 0; i < size; i++) {
    const row = i * size;
    let sum = 0;
    for (let j = 0; j < chunkSize; j++) sum += scores[row + columns[j]];
    conditional[i] += sum;
  }
  // S_ki: whole rows, read contiguously.
  for (let j = 0; j < chunkSize; j++) {
    const row = columns[j] * size;
    for (let i = 0; i < size; i++) conditional[i] += scores[row + i];
  }
}
