/** Captions repeat in real data: samples whose captions read the same after normalisation share a group. */
export function normaliseCaption(caption: string): string {
  return caption.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Group id of each caption: the index of the first caption with the same normalised text. */
export function captionGroupsOf(captions: readonly string[]): Int32Array {
  const firstIndex = new Map<string, number>();
  return Int32Array.from(captions, (caption, i) => {
    const text = normaliseCaption(caption);
    const first = firstIndex.get(text);
    if (first !== undefined) return first;
    firstIndex.set(text, i);
    return i;
  });
}
