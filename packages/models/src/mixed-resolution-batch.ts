import type { Resolution } from '@sieve/core';

/**
 * A batch reordered so that its fine examples come first and its coarse ones after, each group
 * in its original order. Both losses are sums over the batch (the contrastive one over all pairs,
 * with image i still paired with text i), so reordering examples changes nothing but lets each
 * group go through its tower in one call.
 */
export interface FineFirstOrder {
  /** order[k] is the original index of the k-th example; null when the batch is already fine-first. */
  order: Int32Array | null;
  fineCount: number;
}

export function fineFirstOrder(resolutions: readonly Resolution[] | undefined, count: number): FineFirstOrder {
  if (!resolutions) return { order: null, fineCount: count };
  if (resolutions.length !== count) {
    throw new RangeError(`${resolutions.length} resolutions for a batch of ${count}`);
  }
  const fine: number[] = [];
  const coarse: number[] = [];
  resolutions.forEach((resolution, i) => (resolution === 'coarse' ? coarse : fine).push(i));
  if (coarse.length === 0) return { order: null, fineCount: count };
  return { order: Int32Array.from([...fine, ...coarse]), fineCount: fine.length };
}

/** Rows of `values` (rowLength each) in `order`; the input itself when order is null. */
export function reorderRows<T extends Float32Array | Int32Array>(values: T, rowLength: number, order: Int32Array | null): T {
  if (!order) return values;
  const result = new (values.constructor as { new (length: number): T })(order.length * rowLength);
  order.forEach((from, to) => result.set(values.subarray(from * rowLength, (from + 1) * rowLength), to * rowLength));
  return result;
}
