/**
 * The indices of the k largest scores, best first. Ties go to the lower index and NaN ranks
 * below every number, so the answer is fully determined by the scores.
 */
export function topK(scores: ArrayLike<number>, k: number): Int32Array {
  return topKExcluding(scores, k);
}

/**
 * `topK` over the candidates whose `excluded[i]` is 0. Keeps a min-heap of the k best seen so
 * far, so it costs O(N log k) and does not sort all N (the joint sampler calls it once per chunk).
 */
export function topKExcluding(scores: ArrayLike<number>, k: number, excluded?: Uint8Array): Int32Array {
  const size = scores.length;
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a whole number >= 0, got ${k}`);
  if (excluded && excluded.length !== size) throw new RangeError('excluded and scores differ in length');

  // True when candidate a ranks strictly above candidate b.
  const above = (a: number, b: number): boolean => {
    const sa = scores[a];
    const sb = scores[b];
    if (sa > sb) return true;
    if (sa < sb) return false;
    const aIsNaN = sa !== sa;
    const bIsNaN = sb !== sb;
    if (aIsNaN !== bIsNaN) return bIsNaN;
    return a < b;
  };

  // heap[0] is the worst of the kept candidates.
  const heap = new Int32Array(k);
  let count = 0;
  const siftDown = (start: number): void => {
    let parent = start;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= count) return;
      const right = left + 1;
      const worseChild = right < count && above(heap[left], heap[right]) ? right : left;
      if (!above(heap[parent], heap[worseChild])) return;
      const tmp = heap[parent];
      heap[parent] = heap[worseChild];
      heap[worseChild] = tmp;
      parent = worseChild;
    }
  };

  if (k > 0) {
    for (let i = 0; i < size; i++) {
      if (excluded && excluded[i]) continue;
      if (count < k) {
        // Sift up.
        let child = count++;
        heap[child] = i;
        while (child > 0) {
          const parent = (child - 1) >> 1;
          if (!above(heap[parent], heap[child])) break;
          const tmp = heap[parent];
          heap[parent] = heap[child];
          heap[child] = tmp;
          child = parent;
        }
      } else if (above(i, heap[0])) {
        heap[0] = i;
        siftDown(0);
      }
    }
  }
  if (count < k) throw new RangeError(`cannot take the top ${k} of ${count} candidates`);

  // Pop the worst into the back: the result is best first.
  const best = new Int32Array(k);
  for (let slot = k - 1; slot >= 0; slot--) {
    best[slot] = heap[0];
    heap[0] = heap[--count];
    siftDown(0);
  }
  return best;
}
