import { describe, expect, it } from 'vitest';
import { Rng, isUserInputError } from '@sieve/core';
import { jointSample } from './joint-sample';
import { topK } from './top-k';

/** s(i | A) = S_ii + sum over k in A of (S_ik + S_ki), straight from the definition. */
function bruteForceConditional(scores: Float32Array, size: number, chosen: ArrayLike<number>): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let s = scores[i * size + i];
    for (const k of Array.from(chosen)) s += scores[i * size + k] + scores[k * size + i];
    out[i] = s;
  }
  return out;
}

function randomMatrix(rng: Rng, size: number): Float32Array {
  return Float32Array.from({ length: size * size }, () => rng.normal());
}

function divisorsOf(value: number): number[] {
  return Array.from({ length: value }, (_, i) => i + 1).filter((d) => value % d === 0);
}

describe('jointSample, greedy', () => {
  it('returns the hand-worked answer on a 6 x 6 matrix (b = 4, n = 2)', () => {
    // prettier-ignore
    const scores = Float32Array.from([
      /* row 0 */  5, 0, 0,  0, 0, 2,
      /* row 1 */  0, 4, 0,  0, 0, 0,
      /* row 2 */ -2, 0, 3, 10, 0, 0,
      /* row 3 */  0, 0, 0,  2, 0, 0,
      /* row 4 */  0, 1, 0,  0, 1, 0,
      /* row 5 */  3, 0, 0,  0, 0, 0,
    ]);
    // Chunk 1 (2 of 6) by the diagonal 5, 4, 3, 2, 1, 0: candidates 0 and 1.
    // Chunk 2 by s(i | {0, 1}) = S_ii + S_i0 + S_0i + S_i1 + S_1i:
    //   i = 2: 3 + (-2) + 0 + 0 + 0 = 1  (S_23 = 10 pairs two unchosen candidates: it does not count)
    //   i = 3: 2 + 0 = 2
    //   i = 4: 1 + S_41 = 1 + 1 = 2
    //   i = 5: 0 + S_50 + S_05 = 3 + 2 = 5
    // Top 2: candidate 5 (5), then 3 and 4 tie at 2 and the lower index, 3, wins.
    // Independent top-4 by the diagonal would have been 0, 1, 2, 3.
    expect(Array.from(jointSample(scores, 6, 4, 2, { mode: 'greedy' }))).toEqual([0, 1, 5, 3]);
  });

  it('equals independent top-b when S is diagonal', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const size = 2 + rng.nextInt(40);
      const batchSize = 1 + rng.nextInt(size);
      const chunkOptions = divisorsOf(batchSize);
      const chunks = chunkOptions[rng.nextInt(chunkOptions.length)];
      const scores = new Float32Array(size * size);
      // Whole numbers from a small range, so that ties between candidates are common.
      const diagonal = Float32Array.from({ length: size }, () => rng.nextInt(8));
      for (let i = 0; i < size; i++) scores[i * size + i] = diagonal[i];
      expect(Array.from(jointSample(scores, size, batchSize, chunks, { mode: 'greedy' }))).toEqual(
        Array.from(topK(diagonal, batchSize)),
      );
    }
  });
});

describe('jointSample, both modes', () => {
  it('keeps incremental conditional scores equal to a brute-force recomputation after every chunk (property)', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 60; trial++) {
      const size = 2 + rng.nextInt(40);
      const batchSize = 1 + rng.nextInt(size);
      const chunkOptions = divisorsOf(batchSize);
      const chunks = chunkOptions[rng.nextInt(chunkOptions.length)];
      const chunkSize = batchSize / chunks;
      const scores = randomMatrix(rng, size);
      const mode = trial % 2 === 0 ? 'greedy' : 'sample';
      const seen: Float64Array[] = [];
      const selected = jointSample(scores, size, batchSize, chunks, {
        mode,
        rng: new Rng(trial),
        onChunk: (chunk, conditional) => {
          expect(chunk).toBe(seen.length);
          seen.push(conditional.slice());
        },
      });
      expect(seen.length).toBe(chunks);
      expect(new Set(selected).size).toBe(batchSize);
      for (let chunk = 0; chunk < chunks; chunk++) {
        const earlier = selected.subarray(0, chunk * chunkSize);
        const expected = bruteForceConditional(scores, size, earlier);
        // Same sums in another order, in float64 over float32 inputs: agree to ~1e-12.
        for (let i = 0; i < size; i++) expect(Math.abs(seen[chunk][i] - expected[i])).toBeLessThan(1e-9);
        if (mode === 'greedy') {
          // Each greedy chunk is the top b/n of the brute-force scores among the candidates left.
          const masked = Float64Array.from(expected, (s, i) => (earlier.includes(i) ? -Infinity : s));
          expect(Array.from(selected.subarray(chunk * chunkSize, (chunk + 1) * chunkSize))).toEqual(
            Array.from(topK(masked, chunkSize)),
          );
        }
      }
    }
  });

  it('returns b distinct indices in [0, N), the same ones for the same seed', () => {
    const scores = randomMatrix(new Rng(1), 50);
    const a = jointSample(scores, 50, 20, 4, { mode: 'sample', rng: new Rng(9) });
    const b = jointSample(scores, 50, 20, 4, { mode: 'sample', rng: new Rng(9) });
    const c = jointSample(scores, 50, 20, 4, { mode: 'sample', rng: new Rng(10) });
    expect(a.length).toBe(20);
    expect(new Set(a).size).toBe(20);
    for (const index of a) expect(index >= 0 && index < 50).toBe(true);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
    // b = N takes everyone.
    expect(Array.from(jointSample(scores, 50, 50, 5, { mode: 'sample', rng: new Rng(1) })).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('rejects b not divisible by n, b > N and unknown modes with UserInputErrors naming the field', () => {
    const scores = new Float32Array(36);
    const fieldOf = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (error) {
        return isUserInputError(error) ? error.field : String(error);
      }
      return undefined;
    };
    expect(fieldOf(() => jointSample(scores, 6, 4, 3, { mode: 'greedy' }))).toBe('--chunks');
    expect(fieldOf(() => jointSample(scores, 6, 8, 2, { mode: 'greedy' }))).toBe('--train-batch-size');
    expect(fieldOf(() => jointSample(scores, 6, 4, 2, { mode: 'best' as 'greedy' }))).toBe('selectorOptions.mode');
    expect(() => jointSample(scores, 5, 4, 2, { mode: 'greedy' })).toThrow(RangeError);
    expect(() => jointSample(scores, 6, 4, 2, { mode: 'sample' })).toThrow('needs an rng');
  });
});

describe('jointSample, sample mode distribution', () => {
  // Every frequency below is a mean of `draws` Bernoulli trials with probability p: its
  // standard error is sqrt(p (1 - p) / draws), at most 0.0035 for 20,000 draws. A tolerance of
  // 5 standard errors fails a correct sampler with probability under 1e-6 per comparison, while
  // a wrong distribution (e.g. ignoring the scores: p = 0.4 instead of 0.1) is far outside it.
  const draws = 20_000;
  const tolerance = (p: number) => 5 * Math.sqrt((p * (1 - p)) / draws) + 1e-3;

  it('includes each candidate in the first chunk with the probability of softmax sampling without replacement', () => {
    const size = 5;
    const chunkSize = 2;
    const diagonal = [1.5, 0.5, 0, -0.5, 0.8];
    const scores = new Float32Array(size * size);
    for (let i = 0; i < size; i++) scores[i * size + i] = diagonal[i];
    // Off-diagonal entries must not affect the first chunk.
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) if (i !== j) scores[i * size + j] = 3 * ((i * 7 + j) % 3) - 3;

    // Exact probabilities by enumerating ordered pairs (j, i): P = w_j / W * w_i / (W - w_j).
    const weights = diagonal.map(Math.exp);
    const total = weights.reduce((a, b) => a + b, 0);
    const firstDraw = weights.map((w) => w / total);
    const inclusion = new Array<number>(size).fill(0);
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        if (i === j) continue;
        const pair = (weights[j] / total) * (weights[i] / (total - weights[j]));
        inclusion[i] += pair;
        inclusion[j] += pair;
      }
    }
    expect(inclusion.reduce((a, b) => a + b, 0)).toBeCloseTo(chunkSize, 12);

    const rng = new Rng(2024);
    const included = new Array<number>(size).fill(0);
    const first = new Array<number>(size).fill(0);
    for (let draw = 0; draw < draws; draw++) {
      // Two chunks of 2; only the first chunk's draws are counted.
      const selected = jointSample(scores, size, 2 * chunkSize, 2, { mode: 'sample', rng });
      included[selected[0]]++;
      included[selected[1]]++;
      first[selected[0]]++;
    }
    for (let i = 0; i < size; i++) {
      expect(Math.abs(included[i] / draws - inclusion[i])).toBeLessThan(tolerance(inclusion[i]));
      // Within a chunk the order is the sequential sampler's: the first draw is softmax(S_ii).
      expect(Math.abs(first[i] / draws - firstDraw[i])).toBeLessThan(tolerance(firstDraw[i]));
    }
  });

  it('draws a later chunk from softmax of the conditional scores', () => {
    // N = 4, b = 2, n = 2: one candidate per chunk. P(first = j) = softmax(S_ii)_j and
    // P(second = i | first = j) = exp(s(i | {j})) / sum over i' != j of exp(s(i' | {j})).
    const size = 4;
    const rng = new Rng(77);
    const scores = Float32Array.from({ length: size * size }, () => rng.normal());
    const expected = new Map<string, number>();
    const diagonalWeights = Array.from({ length: size }, (_, i) => Math.exp(scores[i * size + i]));
    const diagonalTotal = diagonalWeights.reduce((a, b) => a + b, 0);
    for (let j = 0; j < size; j++) {
      const conditional = bruteForceConditional(scores, size, [j]);
      let rest = 0;
      for (let i = 0; i < size; i++) if (i !== j) rest += Math.exp(conditional[i]);
      for (let i = 0; i < size; i++) {
        if (i !== j) expected.set(`${j},${i}`, (diagonalWeights[j] / diagonalTotal) * (Math.exp(conditional[i]) / rest));
      }
    }
    const counts = new Map<string, number>();
    for (let draw = 0; draw < draws; draw++) {
      const [j, i] = jointSample(scores, size, 2, 2, { mode: 'sample', rng });
      counts.set(`${j},${i}`, (counts.get(`${j},${i}`) ?? 0) + 1);
    }
    for (const [pair, p] of expected) {
      expect(Math.abs((counts.get(pair) ?? 0) / draws - p)).toBeLessThan(tolerance(p));
    }
  });
});
