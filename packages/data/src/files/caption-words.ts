/**
 * Caption text to words: lowercased, split by Unicode word segmentation (Node's Intl.Segmenter,
 * which handles accents and scripts without spaces), keeping word-like segments. A hyphen between
 * two words with no space around it joins them ("t-shirt", "flip-flop"), as a caption writer means
 * one word there.
 */
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
const JOINERS = new Set(['-', '\u2010', '\u2011']);

export function captionWords(caption: string): string[] {
  const words: string[] = [];
  // A word ending right before a joiner that is itself right before a word is continued by it.
  let pendingJoin = false;
  let previousEnd = -1;
  for (const segment of segmenter.segment(caption.normalize('NFKC').toLowerCase())) {
    if (segment.isWordLike) {
      if (pendingJoin && words.length > 0) words[words.length - 1] += `-${segment.segment}`;
      else words.push(segment.segment);
      pendingJoin = false;
      previousEnd = segment.index + segment.segment.length;
    } else {
      pendingJoin = JOINERS.has(segment.segment) && segment.index === previousEnd;
    }
  }
  return words;
}
