import { describe, expect, it } from 'vitest';
import { captionGroupsOf } from '@sieve/data';
import { retrievalRecall, type RetrievalRecall } from './retrieval';

/** Unit vectors in 2-D at the given angles in degrees: dot(a, b) = cos(angle difference). */
function atAngles(degrees: number[]): Float32Array {
  return Float32Array.from(degrees.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]));
}

const distinct = (count: number): Int32Array => Int32Array.from({ length: count }, (_, i) => i);

/** Tiny seeded LCG (Numerical Recipes constants): uniform in [-0.5, 0.5). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

function normaliseRows(rows: Float32Array, count: number, dim: number): Float32Array {
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += rows[i * dim + d] ** 2;
    for (let d = 0; d < dim; d++) rows[i * dim + d] /= Math.sqrt(norm);
  }
  return rows;
}

function randomUnit(random: () => number, count: number, dim: number): Float32Array {
  return normaliseRows(Float32Array.from({ length: count * dim }, random), count, dim);
}

/** Full sort of every row by (score descending, index ascending): the plain reading of the definition. */
function bruteForce(images: Float32Array, texts: Float32Array, groups: Int32Array, count: number, dim: number): RetrievalRecall {
  const dot = (i: number, j: number): number => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += images[i * dim + d] * texts[j * dim + d];
    return s;
  };
  // Image -> text ranks only the first caption of each group (the distinct texts).
  const recall = (score: (query: number, candidate: number) => number, candidateIn: (c: number) => boolean) => {
    const hits = { at1: 0, at5: 0, at10: 0 };
    for (let q = 0; q < count; q++) {
      const scores = Array.from({ length: count }, (_, c) => score(q, c));
      const ranked = Array.from({ length: count }, (_, c) => c)
        .filter(candidateIn)
        .sort((a, b) => scores[b] - scores[a] || a - b);
      const hitWithin = (k: number) => ranked.slice(0, k).some((c) => groups[c] === groups[q]);
      if (hitWithin(1)) hits.at1++;
      if (hitWithin(5)) hits.at5++;
      if (hitWithin(10)) hits.at10++;
    }
    return { at1: hits.at1 / count, at5: hits.at5 / count, at10: hits.at10 / count };
  };
  const imageToText = recall((i, j) => dot(i, j), (j) => groups[j] === j);
  const textToImage = recall((j, i) => dot(i, j), () => true);
  return { imageToText, textToImage, score: (imageToText.at1 + textToImage.at1) / 2 };
}

describe('retrievalRecall', () => {
  it('matches recall worked out by hand for 4 samples in 2-D', () => {
    // Images at 0, 90, 180, 270 degrees; captions at 0, 90, 100, 200. The nearest angle wins.
    // image -> text @1:
    //   I0 (0):   T0 (0, diff 0)                                 hit
    //   I1 (90):  T1 (90, diff 0)                                hit
    //   I2 (180): T3 (200, diff 20) beats T2 (100, diff 80)      miss
    //   I3 (270): T3 (200, diff 70) beats T0 (360, diff 90)      hit   -> 3/4
    // text -> image @1:
    //   T0 (0):   I0 (diff 0)                                    hit
    //   T1 (90):  I1 (diff 0)                                    hit
    //   T2 (100): I1 (diff 10)                                   miss
    //   T3 (200): I2 (diff 20) beats I3 (diff 70)                miss  -> 2/4
    // count 4 < 5: @5 and @10 rank all 4 candidates, so every query hits.
    const result = retrievalRecall(atAngles([0, 90, 180, 270]), atAngles([0, 90, 100, 200]), distinct(4), 4, 2);
    expect(result).toEqual({
      imageToText: { at1: 0.75, at5: 1, at10: 1 },
      textToImage: { at1: 0.5, at5: 1, at10: 1 },
      score: 0.625,
    });
  });

  it('counts a twin caption (identical after normalisation) as a hit', () => {
    const groups = captionGroupsOf(['A  Cat ', 'a dog', 'a cat']);
    expect(Array.from(groups)).toEqual([0, 1, 0]);
    // Images at 0, 90, 180; captions at 170, 90, 10 (twins embed alike in a real model; here they
    // differ, which shows which copy each direction looks at).
    // Text -> image: T0 (170) -> I2, T1 -> I1, T2 (10) -> I0; T0 and T2 hit only as twins: 3/3.
    // Image -> text ranks the distinct captions T0 (170) and T1 (90): I0 -> T1 (90 away against
    //   170) misses; I1 -> T1 hits; I2 -> T0, the twin of its own T2, hits: 2/3.
    // Ungrouped: 1/3 each way.
    const images = atAngles([0, 90, 180]);
    const texts = atAngles([170, 90, 10]);
    const grouped = retrievalRecall(images, texts, groups, 3, 2);
    expect(grouped.imageToText.at1).toBe(2 / 3);
    expect(grouped.textToImage.at1).toBe(1);
    const ungrouped = retrievalRecall(images, texts, distinct(3), 3, 2);
    expect(ungrouped.imageToText.at1).toBe(1 / 3);
    expect(ungrouped.textToImage.at1).toBe(1 / 3);
  });

  it('breaks ties toward the lower index', () => {
    // Images (1,0), (0,1), (0,1); captions (1,0), (1,0), (0,1). Scores are exactly 1 or 0.
    // image -> text @1:
    //   I0: T0 and T1 tie at 1 -> T0 (lower)  hit   (toward higher: T1, miss)
    //   I1: T2                                 miss
    //   I2: T2                                 hit   -> 2/3 (toward higher: 1/3)
    // text -> image @1:
    //   T0: I0                                 hit
    //   T1: I0                                 miss
    //   T2: I1 and I2 tie at 1 -> I1 (lower)  miss  (toward higher: I2, hit) -> 1/3 (toward higher: 2/3)
    const images = Float32Array.from([1, 0, 0, 1, 0, 1]);
    const texts = Float32Array.from([1, 0, 1, 0, 0, 1]);
    const result = retrievalRecall(images, texts, distinct(3), 3, 2);
    expect(result.imageToText).toEqual({ at1: 2 / 3, at5: 1, at10: 1 });
    expect(result.textToImage).toEqual({ at1: 1 / 3, at5: 1, at10: 1 });
  });

  it('keeps the lowest indices when more than 10 candidates tie', () => {
    // 12 identical vectors: every score is 1, so every query's ranking is 0, 1, ..., 11.
    // Query q hits within k exactly when q < k: @1 = 1/12, @5 = 5/12, @10 = 10/12 both ways.
    const same = Float32Array.from({ length: 12 * 2 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const result = retrievalRecall(same, same, distinct(12), 12, 2);
    const expected = { at1: 1 / 12, at5: 5 / 12, at10: 10 / 12 };
    expect(result.imageToText).toEqual(expected);
    expect(result.textToImage).toEqual(expected);
  });

  it('uses min(k, count) when fewer than 10 samples exist', () => {
    // One sample: its only caption is its own. Two samples, captions swapped: @1 misses, @5 (= @2) hits.
    expect(retrievalRecall(atAngles([30]), atAngles([200]), distinct(1), 1, 2).imageToText).toEqual({ at1: 1, at5: 1, at10: 1 });
    const swapped = retrievalRecall(atAngles([0, 90]), atAngles([90, 0]), distinct(2), 2, 2);
    expect(swapped.imageToText).toEqual({ at1: 0, at5: 1, at10: 1 });
    expect(swapped.textToImage).toEqual({ at1: 0, at5: 1, at10: 1 });
    expect(swapped.score).toBe(0);
  });

  it('returns zeros for no samples and rejects inputs shorter than count x dim', () => {
    const empty = new Float32Array(0);
    expect(retrievalRecall(empty, empty, new Int32Array(0), 0, 4).score).toBe(0);
    expect(() => retrievalRecall(new Float32Array(6), new Float32Array(8), distinct(4), 4, 2)).toThrow(/shorter/);
  });

  it('orders recall@1 <= @5 <= @10 <= 1 on random data, and retrieves itself when both towers agree', () => {
    const random = lcg(7);
    for (const [count, dim] of [[1, 3], [7, 2], [33, 5], [300, 16]]) {
      const images = randomUnit(random, count, dim);
      const texts = randomUnit(random, count, dim);
      const { imageToText, textToImage } = retrievalRecall(images, texts, distinct(count), count, dim);
      for (const r of [imageToText, textToImage]) {
        expect(r.at1).toBeLessThanOrEqual(r.at5);
        expect(r.at5).toBeLessThanOrEqual(r.at10);
        expect(r.at10).toBeLessThanOrEqual(1);
      }
      // dim >= 3 keeps random neighbours far from parallel, so a vector's dot with itself is the top.
      if (dim >= 3) {
        expect(retrievalRecall(images, images, distinct(count), count, dim).imageToText.at1).toBe(1);
      }
    }
  });

  it('agrees with a brute-force full sort on 700 random samples', () => {
    const random = lcg(2024);
    const count = 700;
    const dim = 16;
    const images = randomUnit(random, count, dim);
    // Captions near their images (recall@1 about 0.35, @10 about 0.84 here), and some repeated
    // captions (every 7th sample shares its group with the one before) to exercise grouping.
    const texts = normaliseRows(Float32Array.from(images, (v) => v + random()), count, dim);
    const groups = Int32Array.from({ length: count }, (_, i) => (i % 7 === 6 ? i - 1 : i));
    const blocked = retrievalRecall(images, texts, groups, count, dim);
    expect(blocked).toEqual(bruteForce(images, texts, groups, count, dim));
    expect(blocked.imageToText.at1).toBeGreaterThan(0);
    expect(blocked.imageToText.at10).toBeLessThan(1);
  });
});

describe('captionGroupsOf', () => {
  it('groups captions equal after NFKC, lowercase and whitespace collapsing, by first index', () => {
    const captions = ['A  Cat ', 'a dog', 'a\tcat\n', '\uFF21 CAT', 'a cats', '', '   ', 'a dog'];
    // '\uFF21' is a full-width A, which NFKC folds to 'A'.
    expect(Array.from(captionGroupsOf(captions))).toEqual([0, 1, 0, 0, 4, 5, 5, 1]);
  });
});
