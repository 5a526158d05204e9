/**
 * The headline metric on hand-built data: a fake model whose embeddings are unit vectors at
 * chosen angles in the plane, so that every nearest prompt or caption, and so every accuracy and
 * recall, is worked out by hand below.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type ClassifierModel, type ContrastiveModel } from '@sieve/models';
import type { ClassificationDataset, ContrastiveDataset } from '@sieve/data';
import { evaluateClassifier, evaluateContrastive } from './evaluate';

// The nearest prompt of each image is found with one matrix product on the tensor backend.
beforeAll(async () => {
  await initBackend('wasm');
});

const DIM = 2;
const MAX_TOKENS = 2;
const unit = (degrees: number) => [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];

/** The angle of each text, by its first token (the second is padding). */
const TEXT_ANGLES: Record<number, number> = {
  // Class prompts: class 0 has two (0° and 90°, averaged to 45°), class 1 one at 180°, class 2 one at 270°.
  1: 0,
  2: 90,
  3: 180,
  4: 270,
  // Concept prompts: 0°, 120°, 240°.
  5: 0,
  6: 120,
  7: 240,
  // Test captions.
  11: 10,
  12: 80,
  13: 105,
  14: 200,
};
const CLASS_PROMPTS = [[1, 2], [3], [4]];
const CONCEPT_PROMPTS = [[5], [6], [7]];

/** A one-pixel image holds its embedding's angle in degrees; every image costs 1000 FLOPs, every text 100. */
const model = {
  async embedImages(images: Float32Array, count: number) {
    return Float32Array.from({ length: count * DIM }, (_, k) => unit(images[Math.floor(k / DIM)])[k % DIM]);
  },
  async embedTexts(tokens: Int32Array, count: number) {
    return Float32Array.from({ length: count * DIM }, (_, k) => unit(TEXT_ANGLES[tokens[Math.floor(k / DIM) * MAX_TOKENS]])[k % DIM]);
  },
  flops: { embedImages: (count: number) => 1000 * count, embedTexts: (count: number) => 100 * count },
} as unknown as ContrastiveModel;

const tokenRows = (firstTokens: number[]) => Int32Array.from(firstTokens.flatMap((token) => [token, 0]));

function dataset(test: { angles: number[]; labels: number[]; concepts?: number[]; captions?: number[] }, prompts = { classes: CLASS_PROMPTS, concepts: CONCEPT_PROMPTS }): ContrastiveDataset {
  const count = test.angles.length;
  const empty = { count: 0, images: new Float32Array(0), labels: new Int32Array(0), tokens: new Int32Array(0) };
  return {
    kind: 'contrastive',
    name: 'hand-built',
    imageSide: 1,
    classNames: ['a', 'b', 'c'],
    vocabulary: [],
    maxTokens: MAX_TOKENS,
    pool: { ...empty, tagNames: [], tags: new Uint8Array(0) },
    reference: empty,
    test: {
      count,
      images: Float32Array.from(test.angles),
      labels: Int32Array.from(test.labels),
      concepts: Int32Array.from(test.concepts ?? test.labels),
      // Every caption reads differently: each is its own group.
      ...(test.captions ? { captioned: { tokens: tokenRows(test.captions), captionGroups: Int32Array.from(test.captions, (_, i) => i) } } : {}),
    },
    zeroShot: { classPrompts: prompts.classes.map(tokenRows), conceptPrompts: prompts.concepts.map(tokenRows), conceptNames: prompts.concepts.map(String) },
    droppedEntries: 0,
  };
}

describe('evaluateContrastive: zero-shot', () => {
  // Nearest class (45°, 180°, 270°) and nearest concept (0°, 120°, 240°) of each image:
  //    30° -> class 0, concept 0;   110° -> class 0 (cos 65° = 0.423 against cos 70° = 0.342), concept 1;
  //   115° -> class 1 (cos 65° against cos 70° for class 0), concept 1;   150° -> class 1, concept 1;
  //   200° -> class 1, concept 2;   310° -> class 2, concept 0.
  // Class 0's two prompts must be averaged and re-normalised: its first prompt alone (0°) would put
  // 110° in class 1, and their sum left at length 1.414 would put 115° in class 0.
  const test = { angles: [30, 110, 115, 150, 200, 310], labels: [0, 0, 1, 1, 2, 2], concepts: [0, 1, 1, 2, 2, 1] };

  it('assigns each test image to its nearest averaged prompt (hand-worked: 5 of 6 classes, 4 of 6 concepts)', async () => {
    // Classes: all right but 200° (class 1, labelled 2). Concepts: 150° and 310° are wrong.
    const evaluation = await evaluateContrastive(model, dataset(test), DIM);
    expect(evaluation).toMatchObject({ zeroShotAccuracy: 5 / 6, attributeZeroShotAccuracy: 4 / 6, retrieval: null });
    expect(evaluation.score).toBeCloseTo((5 / 6 + 4 / 6) / 2, 12);
    // 6 images, 7 prompts, and 6 x 6 dot products of 2 values (a multiply and an add each).
    expect(evaluation.flops).toBe(6 * 1000 + 7 * 100 + 2 * 6 * 6 * 2);
  });

  it('evaluates only the first testLimit images', async () => {
    // 30°, 110°, 115°, 150°: every class right, concepts 3 of 4.
    expect(await evaluateContrastive(model, dataset(test), DIM, 4)).toEqual({
      zeroShotAccuracy: 1,
      attributeZeroShotAccuracy: 0.75,
      retrieval: null,
      score: 0.875,
      flops: 4 * 1000 + 7 * 100 + 2 * 4 * 6 * 2,
    });
  });

  it('matches each image with its own label across chunks of 2000 images', async () => {
    // 30° (class 0), 150° (class 1) right and 200° (labelled 2, nearest class 1) wrong, over and
    // over: 667 cycles and two more right ones in 2003 images. The second chunk starts at 200°.
    const cycle = [
      [30, 0],
      [150, 1],
      [200, 2],
    ];
    const rows = Array.from({ length: 2003 }, (_, i) => cycle[i % 3]);
    const evaluation = await evaluateContrastive(model, dataset({ angles: rows.map(([a]) => a), labels: rows.map(([, l]) => l) }), DIM);
    expect(evaluation.zeroShotAccuracy).toBe((667 * 2 + 2) / 2003);
  });
});

describe('evaluateContrastive: retrieval (captioned test data)', () => {
  // Images at 0°, 90°, 180°, 270°; their captions at 10°, 80°, 105°, 200°.
  // Image -> caption, nearest first: 0° -> 10° (own); 90° -> 80° (own); 180° -> 200° (not own; its own
  // 105° comes second); 270° -> 200° (own). Recall@1 3/4, @5 and @10 all.
  // Caption -> image: 10° -> 0° (own); 80° -> 90° (own); 105° -> 90° (not own; 180° second);
  // 200° -> 180° (not own; 270° second). Recall@1 2/4, @5 and @10 all. Score (3/4 + 2/4) / 2.
  const test = { angles: [0, 90, 180, 270], labels: [0, 1, 1, 2], captions: [11, 12, 13, 14] };
  const retrieval = { imageToText: { at1: 0.75, at5: 1, at10: 1 }, textToImage: { at1: 0.5, at5: 1, at10: 1 } };
  // 4 images and 4 captions embedded, and 4 x 4 similarities each way of 2 values.
  const retrievalFlops = 4 * 1000 + 4 * 100 + 2 * 2 * 4 * 4 * 2;

  it('ranks the captions of the test set both ways and scores the mean recall@1 (hand-worked: 0.625)', async () => {
    expect(await evaluateContrastive(model, dataset(test, { classes: [], concepts: [] }), DIM)).toEqual({
      zeroShotAccuracy: null,
      attributeZeroShotAccuracy: null,
      retrieval,
      score: 0.625,
      flops: retrievalFlops,
    });
  });

  it('gives zero-shot accuracy beside it when the classes are named, the score staying retrieval\'s', async () => {
    // 0° and 90° -> class 0 (45°), 180° -> class 1, 270° -> class 2: all right but 90°, labelled 1.
    expect(await evaluateContrastive(model, dataset(test, { classes: CLASS_PROMPTS, concepts: [] }), DIM)).toEqual({
      zeroShotAccuracy: 0.75,
      attributeZeroShotAccuracy: null,
      retrieval,
      score: 0.625,
      flops: retrievalFlops + 4 * 1000 + 4 * 100 + 2 * 4 * 3 * 2,
    });
  });

  it('ranks among the first retrievalLimit samples only', async () => {
    // 0° and 90° against 10° and 80°: each finds its own both ways.
    expect(await evaluateContrastive(model, dataset(test, { classes: [], concepts: [] }), DIM, undefined, 2)).toMatchObject({
      retrieval: { imageToText: { at1: 1, at5: 1, at10: 1 }, textToImage: { at1: 1, at5: 1, at10: 1 } },
      score: 1,
      flops: 2 * 1000 + 2 * 100 + 2 * 2 * 2 * 2 * 2,
    });
  });
});

describe('evaluateClassifier', () => {
  // The fake classifier predicts the class written in each one-pixel image.
  const classifier = {
    async predict(images: Float32Array, count: number) {
      return Int32Array.from(images.subarray(0, count));
    },
    flops: { forward: (count: number) => 500 * count },
  } as unknown as ClassifierModel;
  const data = {
    kind: 'classification',
    imageSide: 1,
    test: { count: 4, images: Float32Array.from([0, 1, 1, 2]), labels: Int32Array.from([0, 1, 2, 2]) },
  } as unknown as ClassificationDataset;

  it('scores the share of test images predicted right (hand-worked: 3 of 4), or of the first testLimit', async () => {
    expect(await evaluateClassifier(classifier, data)).toEqual({ testAccuracy: 0.75, score: 0.75, flops: 2000 });
    expect(await evaluateClassifier(classifier, data, 2)).toEqual({ testAccuracy: 1, score: 1, flops: 1000 });
  });
});
