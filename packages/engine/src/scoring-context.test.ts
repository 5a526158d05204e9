import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, UserInputError } from '@sieve/core';
import { initBackend, createContrastiveModel, type ModelSpec } from '@sieve/models';
import { pairwiseSigmoidLossFromEmbeddings } from '@sieve/models/testing';
import { createEnergyMeter } from '@sieve/energy';
import { PhaseLedger } from './phase-ledger';
import { LazyScoringContext, type SuperBatch } from './scoring-context';
import { PoolReferenceLosses, poolReferenceLossesOf } from './pool-reference-losses';
import type { ReferenceScores } from './reference-model';

const spec: ModelSpec = {
  imageSide: 8,
  imageTower: 'mlp',
  embeddingDim: 8,
  hiddenDim: 16,
  textEmbeddingDim: 8,
  patchSize: 4,
  coarsePatchSize: 8,
  vitDim: 8,
  vitDepth: 1,
  vitHeads: 2,
  vocabularySize: 10,
  maxTokens: 3,
  classCount: 4,
};

function unitRows(rng: Rng, rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (out[r * dim + d] = rng.normal()) ** 2;
    for (let d = 0; d < dim; d++) out[r * dim + d] /= Math.sqrt(norm);
  }
  return out;
}

describe('LazyScoringContext', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  const n = 12;
  const poolCount = 30;
  const rng = new Rng(4);
  const reference: ReferenceScores = {
    kind: 'contrastive',
    imageEmbeddings: unitRows(rng, poolCount, 8),
    textEmbeddings: unitRows(rng, poolCount, 8),
    dim: 8,
    temperature: 7.5,
    bias: -4,
  };
  const poolIndices = rng.sampleWithoutReplacement(poolCount, n);
  const superBatch: SuperBatch = {
    poolIndices,
    images: Float32Array.from({ length: n * 64 }, () => rng.nextFloat()),
    tokens: Int32Array.from({ length: n * 3 }, () => 1 + rng.nextInt(9)),
    labels: new Int32Array(0),
    tagNames: ['clean', 'junk'],
    tags: Uint8Array.from({ length: n }, (_, i) => i % 2),
  };

  /** A step's context; steps of one run share `ledger` and `pool`, as in the engine. */
  function context(
    seesNoiseTags = false,
    step = 1,
    ledger = new PhaseLedger(null),
    pool: PoolReferenceLosses | null = new PoolReferenceLosses(reference, ledger),
    withReference = true,
  ) {
    const learner = createContrastiveModel(spec, 3);
    const ctx = new LazyScoringContext({
      task: 'contrastive',
      step,
      batchSize: 4,
      rng: new Rng(1),
      superBatch,
      learner,
      reference: withReference ? reference : null,
      poolReferenceLosses: pool && (() => pool.get(step)),
      ledger,
      seesNoiseTags,
      selectorName: 'test',
    });
    return { ctx, learner, ledger };
  }

  it('computes the reference matrix from the cached embeddings of the candidates', async () => {
    const { ctx } = context();
    const losses = await ctx.losses('reference');
    const gather = (table: Float32Array) => {
      const out = new Float32Array(n * 8);
      poolIndices.forEach((p, r) => out.set(table.subarray(p * 8, p * 8 + 8), r * 8));
      return out;
    };
    const expected = pairwiseSigmoidLossFromEmbeddings(gather(reference.imageEmbeddings), gather(reference.textEmbeddings), n, n, 8, 7.5, -4);
    expect(losses.kind).toBe('pairwise');
    expect(losses.size).toBe(n);
    for (let i = 0; i < n * n; i++) expect(losses.values[i]).toBeCloseTo(expected[i], 4);
  });

  it('computes each matrix once per step and charges its FLOPs to scoring once', async () => {
    const { ctx, learner, ledger } = context();
    const first = await ctx.losses('learner');
    const flopsAfterFirst = ledger.flops.scoring;
    expect(flopsAfterFirst).toBe(learner.flops.embedImages(n) + learner.flops.embedTexts(n) + learner.flops.pairwiseLosses(n, n, 8));
    expect(await ctx.losses('learner')).toBe(first);
    expect(ledger.flops.scoring).toBe(flopsAfterFirst);
    expect(Array.from(first.values)).toEqual(Array.from(await learner.pairwiseLosses(superBatch.images, superBatch.tokens, n)));
    await ctx.losses('learner', { resolution: 'coarse' });
    expect(ctx.learnerScoringFlops.coarse).toBe(learner.flops.embedImages(n, 'coarse') + learner.flops.embedTexts(n) + learner.flops.pairwiseLosses(n, n, 8));
    expect(ctx.learnerScoringFlops.fine).toBe(flopsAfterFirst);
  });

  it('scores a subset of candidates as the sub-matrix of the whole, charges only its FLOPs and reports its learnability', async () => {
    const whole = context();
    const allLearner = await whole.ctx.losses('learner');
    const allReference = await whole.ctx.losses('reference');
    const { ctx, learner, ledger } = context();
    const subset = Int32Array.from([7, 2, 10]);
    const learnerPart = await ctx.losses('learner', { candidates: subset });
    const referencePart = await ctx.losses('reference', { candidates: subset });
    expect(learnerPart.size).toBe(3);
    // Entry (i, j) of the subset's matrix is entry (subset[i], subset[j]) of the whole one.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        expect(learnerPart.values[i * 3 + j]).toBeCloseTo(allLearner.values[subset[i] * n + subset[j]], 5);
        expect(referencePart.values[i * 3 + j]).toBeCloseTo(allReference.values[subset[i] * n + subset[j]], 5);
      }
    }
    expect(ctx.learnerScoringFlops.fine).toBe(learner.flops.embedImages(3) + learner.flops.embedTexts(3) + learner.flops.pairwiseLosses(3, 3, 8));
    expect(ledger.flops.scoring).toBe(ctx.learnerScoringFlops.fine + learner.flops.pairwiseLosses(3, 3, 8));
    expect(ctx.learnerExamplesScored).toBe(3);
    // The same subset again is served from this step's cache.
    expect(await ctx.losses('learner', { candidates: Int32Array.from([7, 2, 10]) })).toBe(learnerPart);
  });

  it('refuses a subset with a repeated or out-of-range position', async () => {
    const { ctx } = context();
    await expect(ctx.losses('learner', { candidates: Int32Array.from([1, 1]) })).rejects.toThrow(/distinct positions in \[0, 12\)/);
    await expect(ctx.losses('reference', { candidates: Int32Array.from([12]) })).rejects.toThrow(/candidate 12/);
  });

  it("serves every pool example's reference loss, the diagonal of the reference matrix, computed and charged once across steps", async () => {
    const ledger = new PhaseLedger(null);
    const pool = new PoolReferenceLosses(reference, ledger);
    const first = context(false, 1, ledger, pool).ctx;
    expect(first.candidatePoolIndices).toBe(poolIndices);
    const losses = await first.poolReferenceLosses();
    expect(losses.length).toBe(poolCount);
    // One 8-dimensional dot product (2 x 8 FLOPs) and one sigmoid loss (10) per pool example.
    expect(ledger.flops.scoring).toBe(poolCount * (2 * 8 + 10));
    const matrix = await first.losses('reference');
    for (let i = 0; i < n; i++) expect(losses[first.candidatePoolIndices[i]]).toBeCloseTo(matrix.values[i * n + i], 5);

    const flopsBefore = ledger.flops.scoring;
    const later = context(false, 2, ledger, pool).ctx;
    expect(await later.poolReferenceLosses()).toBe(losses);
    expect(await first.poolReferenceLosses()).toBe(losses);
    expect(ledger.flops.scoring).toBe(flopsBefore);
  });

  it('computes the positive-pair loss softplus(-(t <x, y> + b)) per pool example, and keeps classification losses as cached', () => {
    // t = 2, b = -1; the pairs' dot products 1, 0 and -1 give logits 1, -1 and -3.
    const losses = poolReferenceLossesOf({
      kind: 'contrastive',
      imageEmbeddings: Float32Array.from([1, 0, 1, 0, 0.6, 0.8]),
      textEmbeddings: Float32Array.from([1, 0, 0, 1, -0.6, -0.8]),
      dim: 2,
      temperature: 2,
      bias: -1,
    });
    expect(losses.length).toBe(3);
    expect(losses[0]).toBeCloseTo(0.3132617, 6); // log(1 + e^-1)
    expect(losses[1]).toBeCloseTo(1.3132617, 6); // log(1 + e^1)
    expect(losses[2]).toBeCloseTo(3.0485874, 6); // log(1 + e^3)
    const exampleLosses = Float32Array.from([0.1, 2]);
    expect(poolReferenceLossesOf({ kind: 'classification', exampleLosses })).toBe(exampleLosses);
  });

  it('runs requests made together in one scoring window: no second counted twice, no joule lost', async () => {
    const meter = createEnergyMeter({ sources: ['estimate'], wattsPerCore: 10, sampleIntervalMs: 20 });
    await meter.start();
    try {
      const { ctx, ledger } = context(false, 1, new PhaseLedger(meter));
      const start = performance.now();
      const [learner, referenceLosses, pool, learnerAgain] = await Promise.all([
        ctx.losses('learner'),
        ctx.losses('reference'),
        ctx.poolReferenceLosses(),
        ctx.losses('learner'),
      ]);
      const elapsed = performance.now() - start;
      // Overlapping windows of one phase make the meter warn that one was already open.
      expect(meter.warnings()).toEqual([]);
      expect(learnerAgain).toBe(learner);
      expect(referenceLosses.size).toBe(n);
      expect(pool.length).toBe(poolCount);
      expect(ctx.scoringMilliseconds).toBeGreaterThan(0);
      expect(ctx.scoringMilliseconds).toBeLessThanOrEqual(elapsed);
      expect(ledger.seconds.scoring * 1000).toBeLessThanOrEqual(elapsed);
      expect(ledger.joules.scoring).toBeGreaterThan(0);
    } finally {
      await meter.stop();
    }
  });

  it('rejects a bad request without blocking the ones after it', async () => {
    const { ctx } = context();
    await expect(ctx.losses('reference', { candidates: Int32Array.from([0, 0]) })).rejects.toThrow(/distinct positions/);
    expect((await ctx.losses('reference', { candidates: Int32Array.from([1, 2]) })).size).toBe(2);
  });

  it("refuses what the selector's needs did not declare, naming the selector and the field to add", async () => {
    const { ctx } = context(false, 1, new PhaseLedger(null), null, false);
    await expect(ctx.losses('reference')).rejects.toThrow(/selector "test" asked for the reference model's losses .*needs: \{ referenceModel: true \}/);
    await expect(ctx.poolReferenceImageEmbeddings()).rejects.toThrow(/image embeddings .*referenceModel: true/);
    await expect(ctx.poolReferenceLosses()).rejects.toThrow(/pool's reference losses .*poolReferenceLosses: true/);
    // The learner's losses need no declaration.
    expect((await ctx.losses('learner')).size).toBe(n);
  });

  it("points an undeclared request's stack at the selector's call, not inside the context", async () => {
    const { ctx } = context(false, 1, new PhaseLedger(null), null, false);
    for (const asking of [() => ctx.losses('reference'), () => ctx.poolReferenceLosses(), () => ctx.poolReferenceImageEmbeddings()]) {
      const error = (await asking().catch((caught: unknown) => caught)) as Error;
      const frames = error.stack!.split('\n').filter((line) => /^\s+at /.test(line));
      expect(frames[0]).toMatch(/scoring-context\.test\.ts/);
      expect(error.stack).not.toMatch(/scoring-context\.ts|selector\.ts/);
    }
  });

  it('shows noise tags only to selectors allowed to see them', () => {
    expect(() => context(false).ctx.noiseTags()).toThrow(UserInputError);
    expect(context(true).ctx.noiseTags()).toEqual(Array.from({ length: n }, (_, i) => (i % 2 ? 'junk' : 'clean')));
  });
});
