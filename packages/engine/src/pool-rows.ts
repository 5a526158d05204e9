/**
 * Reading pool rows whether the pool is in memory (the embedded tasks) or on disk (task `files`,
 * whose `pool.rows` reads a store by index): the loop and the reference ask here, never the arrays.
 */
import type { Dataset } from '@sieve/data';
import { pixelsOf } from '@sieve/models';
import { gatherRows, gatherValues } from './batch';

/** Values per image of the dataset: side x side x channels. */
export const pixelsOfDataset = (dataset: Dataset) =>
  pixelsOf({ imageSide: dataset.imageSide, imageChannels: dataset.kind === 'contrastive' ? dataset.imageChannels : 1 });

/** Copies the pool rows `indices` into `images` and, for captions, `tokens` (or labels); null skips one. */
export function readPoolRows(
  dataset: Dataset,
  indices: ArrayLike<number>,
  images: Float32Array | null,
  tokensOrLabels: Int32Array | null,
): void {
  if (dataset.kind === 'contrastive' && dataset.pool.rows) {
    dataset.pool.rows.read(indices, images, tokensOrLabels);
    return;
  }
  if (images) gatherRows(dataset.pool.images, pixelsOfDataset(dataset), indices, images);
  if (!tokensOrLabels) return;
  if (dataset.kind === 'contrastive') gatherRows(dataset.pool.tokens, dataset.maxTokens, indices, tokensOrLabels);
  else gatherValues(dataset.pool.labels, indices, tokensOrLabels);
}

/** start, start + 1, ..., start + count - 1 */
export function rowRange(start: number, count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => start + i);
}
