import { Rng, type Embeddings } from '@sieve/core';

/** What `findNearDuplicates` found in a set of embeddings. */
export interface NearDuplicates {
  /** Per row: 1 when some row with a lower index is a near-duplicate of it (cosine >= threshold). */
  redundant: Uint8Array;
  /** Near-duplicate pairs found. */
  pairs: number;
  /** Row pairs whose cosine was computed (the cost of the search). */
  comparisons: number;
}

/**
 * Locality-sensitive hashing: tables of random-hyperplane signatures of this many bits each. The
 * reference's embeddings sit in tight class clusters, so a signature needs many bits before a
 * bucket holds a handful of rows rather than a class.
 */
const TABLES = 10;
const BITS = 32;
const HYPERPLANE_SEED = 0x5eed;

/**
 * Every pair of rows with cosine similarity >= `threshold`, without comparing all pairs: rows are
 * bucketed by the signs of their projections on 32 random hyperplanes (SimHash), in 10
 * independent tables, and only rows that share a bucket in some table are compared, exactly, once
 * (in the first table they share). Two rows at angle θ share a table's bucket with probability
 * (1 - θ/π)^32, so a pair at cosine 0.997 (θ = 0.077) is missed by all ten tables with
 * probability 0.26%, and closer pairs less often; a pair below the threshold is never reported.
 *
 * Each group of near-duplicates keeps its lowest row as the one that is not `redundant`. Rows
 * must be L2-normalised (the reference's embeddings are). Deterministic: the hyperplanes come
 * from a fixed seed, so the result is a pure function of the embeddings.
 *
 * Written here rather than taken from a library: it is 50 lines over typed arrays, and the npm
 * nearest-neighbour packages build trees of objects, which at 56,000 rows cost more than this.
 */
export function findNearDuplicates({ dim, values }: Embeddings, threshold: number): NearDuplicates {
  const rows = values.length / dim;
  const redundant = new Uint8Array(rows);
  const rng = new Rng(HYPERPLANE_SEED);
  // signatures[row * TABLES + table]: the row's bucket in each table.
  const signatures = new Float64Array(rows * TABLES);
  let pairs = 0;
  let comparisons = 0;
  for (let table = 0; table < TABLES; table++) {
    const planes = Float32Array.from({ length: BITS * dim }, () => rng.nextFloat() - 0.5);
    const buckets = new Map<number, number[]>();
    for (let row = 0; row < rows; row++) {
      const signature = signatureOf(values, row * dim, planes, dim);
      signatures[row * TABLES + table] = signature;
      const bucket = buckets.get(signature);
      if (bucket) bucket.push(row);
      else buckets.set(signature, [row]);
    }
    for (const bucket of buckets.values()) {
      for (let a = 0; a < bucket.length; a++) {
        for (let b = a + 1; b < bucket.length; b++) {
          const [low, high] = [bucket[a], bucket[b]];
          if (sharedEarlier(signatures, low, high, table)) continue;
          comparisons++;
          if (cosine(values, low * dim, high * dim, dim) >= threshold) {
            redundant[high] = 1;
            pairs++;
          }
        }
      }
    }
  }
  return { redundant, pairs, comparisons };
}

/** Whether two rows shared a bucket in a table before `table` (and so were compared there). */
function sharedEarlier(signatures: Float64Array, a: number, b: number, table: number): boolean {
  for (let earlier = 0; earlier < table; earlier++) {
    if (signatures[a * TABLES + earlier] === signatures[b * TABLES + earlier]) return true;
  }
  return false;
}

/** The signs of a row's projections on the table's hyperplanes, as a whole number below 2^BITS. */
function signatureOf(values: Float32Array, offset: number, planes: Float32Array, dim: number): number {
  let signature = 0;
  for (let bit = 0; bit < BITS; bit++) {
    let projection = 0;
    for (let d = 0; d < dim; d++) projection += values[offset + d] * planes[bit * dim + d];
    signature = signature * 2 + (projection >= 0 ? 1 : 0);
  }
  return signature;
}

/** The dot product of two rows: their cosine similarity, for L2-normalised rows. */
export function cosine(values: Float32Array, a: number, b: number, dim: number): number {
  let dot = 0;
  for (let d = 0; d < dim; d++) dot += values[a + d] * values[b + d];
  return dot;
}
