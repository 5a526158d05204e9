import { z } from 'zod';
import { TASK_NAMES } from './tasks';
import { UserInputError } from './errors';

/**
 * The run configuration: presets < config file < flags are merged into one object and
 * validated here. Field names are the config file's; the CLI maps flags onto them.
 */
export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm-blas', 'wasm', 'cpu'] as const;
export const IMAGE_TOWERS = ['mlp', 'flexivit'] as const;
/** The selector a run uses when none is named. */
export const DEFAULT_SELECTOR = 'cascade';

const fraction = z.number().min(0).max(1);

export const noiseRatesSchema = z
  .object({
    clean: fraction.default(0.4),
    duplicate: fraction.default(0.1),
    mismatched: fraction.default(0.3),
    junk: fraction.default(0.2),
  })
  .strict()
  .refine((r) => Math.abs(r.clean + r.duplicate + r.mismatched + r.junk - 1) < 1e-6, {
    message: 'the four noise rates must add up to 1',
  });

export const runConfigSchema = z
  .object({
    task: z.enum(TASK_NAMES).default('fashion-captions'),
    data: z
      .object({
        /** IDX image file (task `idx`). */
        images: z.string().optional(),
        /** IDX label file (task `idx`). */
        labels: z.string().optional(),
        /** Class names, in label order (task `idx`). */
        classes: z.array(z.string().min(1)).optional(),
        noise: noiseRatesSchema.default({ clean: 0.4, duplicate: 0.1, mismatched: 0.3, junk: 0.2 }),
        /** Fraction of training labels flipped to another class (task `fashion-noisy-labels`). */
        labelNoise: fraction.default(0.4),
        /** Where decoded datasets and reference models are cached. */
        cacheDir: z.string().default('.cache/sieve'),
        /** Task `files`: the user's own image-text sources and how they are prepared (docs/data.md). */
        files: z
          .object({
            /** The training pool: WebDataset shards, a CSV/TSV/JSONL list, an imagefolder or a Parquet file. */
            train: z.string().min(1).optional(),
            /** A small curated set for the reference model; a `referenceSplit` of the pool when unset. */
            reference: z.string().min(1).optional(),
            /** The evaluation set; a `testSplit` of the pool when unset. */
            test: z.string().min(1).optional(),
            /** Images are imageSize x imageSize after a centre crop. */
            imageSize: z.number().int().min(16).max(64).default(32),
            /** 3 (RGB) or 1 (gray). */
            channels: z.union([z.literal(1), z.literal(3)], { error: 'must be 3 (RGB) or 1 (gray)' }).default(3),
            /** The pool's most frequent words kept (plus <pad> and <unk>). */
            vocabularySize: z.number().int().min(1).default(8192),
            /** A fixed word list, one word a line (line i is token id i); replaces vocabularySize. */
            vocabulary: z.string().min(1).optional(),
            /** Tokens kept per caption. */
            maxTokens: z.number().int().min(1).max(256).default(32),
            /** Fraction of the pool held out for the reference when `reference` is unset. */
            referenceSplit: z.number().gt(0).lt(1).default(0.1),
            /** Fraction of the pool held out for evaluation when `test` is unset. */
            testSplit: z.number().gt(0).lt(1).default(0.1),
            /** A metadata field or list column with a score per example (higher is better). */
            scoreColumn: z.string().min(1).optional(),
            /** The list's or Parquet file's image column, when not one of the usual names. */
            imageColumn: z.string().min(1).optional(),
            /** The caption column, when not one of the usual names. */
            captionColumn: z.string().min(1).optional(),
            /** The run stops when more than this fraction of a source's samples is bad. */
            maxBadFraction: fraction.default(0.05),
            /** Read the whole pool into memory (4 x S x S x C bytes a row) instead of from the store row by row. */
            poolInMemory: z.boolean().default(false),
          })
          .strict()
          .optional(),
      })
      .strict()
      // An omitted section is parsed as {}, so each of its fields takes the default written on it.
      .prefault({}),
    selector: z.string().min(1).default(DEFAULT_SELECTOR),
    /** The selector's own options (e.g. `{ "mode": "greedy", "score": "learnability" }`). */
    selectorOptions: z.record(z.string(), z.unknown()).default({}),
    /** Extra selector plugins to load: package names or paths to modules exporting a ContainerModule. */
    plugins: z.array(z.string()).default([]),
    steps: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    filterRatio: z.number().gt(0).lt(1),
    chunks: z.number().int().positive(),
    seed: z.number().int().min(0),
    evalEvery: z.number().int().positive(),
    out: z.string().min(1),
    backend: z.enum(BACKEND_NAMES).default('auto'),
    model: z
      .object({
        imageTower: z.enum(IMAGE_TOWERS).default('mlp'),
        embeddingDim: z.number().int().positive().default(64),
        hiddenDim: z.number().int().positive().default(256),
        textEmbeddingDim: z.number().int().positive().default(64),
        /** FlexiViT patch sizes: fine (training and evaluation) and coarse (cheap scoring). */
        patchSize: z.number().int().positive().default(7),
        coarsePatchSize: z.number().int().positive().default(14),
        vitDim: z.number().int().positive().default(64),
        vitDepth: z.number().int().positive().default(2),
        vitHeads: z.number().int().positive().default(4),
      })
      .strict()
      .prefault({}),
    optimizer: z
      .object({
        learningRate: z.number().positive().default(2e-3),
        warmupSteps: z.number().int().min(0).default(50),
        /** The cosine decay ends at this fraction of the peak learning rate. */
        finalLearningRateFraction: fraction.default(0.05),
      })
      .strict()
      .prefault({}),
    /**
     * The frozen reference model's training on the curated split. It sees only 4,000 examples, so it
     * trains longer than it would without augmentation: every batch is randomly translated by up to
     * `maxShift` pixels (0 turns that off), which keeps it ahead of the learner for longer.
     */
    reference: z
      .object({
        steps: z.number().int().positive().default(1000),
        batchSize: z.number().int().positive().default(128),
        learningRate: z.number().positive().default(2e-3),
        maxShift: z.number().int().min(0).max(8).default(2),
        /**
         * The reference's own model size. It only scores, so it is smaller than the learner
         * (hidden 256, embedding 64): at 128 and 32 it trains in a fifth of the time, and its
         * k x k score matrix costs half as much (docs/performance.md#a-smaller-shorter-reference). `textEmbeddingDim`
         * defaults to the learner's.
         */
        hiddenDim: z.number().int().positive().default(128),
        embeddingDim: z.number().int().positive().default(32),
        textEmbeddingDim: z.number().int().positive().optional(),
        /** Where the reference model is cached; `<data.cacheDir>/reference` when unset. Not part of its cache key. */
        cacheDir: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    evaluation: z
      .object({
        /** Evaluate on the first N test images (all 10,000 when unset). */
        testLimit: z.number().int().positive().optional(),
        /**
         * Retrieval (task `files`) ranks each query against this many test samples, the first ones:
         * its cost grows with the square of the count (2,000 take ~0.2 s a point here, 10,000 ~3 s),
         * and recall figures compare only at one gallery size.
         */
        retrievalLimit: z.number().int().positive().default(2000),
      })
      .strict()
      .prefault({}),
    energy: z
      .object({
        enabled: z.boolean().default(true),
        sampleIntervalMs: z.number().int().positive().default(100),
        /** Watts per busy core for the `estimate` source; from the CPU's model when unset. */
        wattsPerCore: z.number().positive().optional(),
        /** Grid carbon intensity in g CO2e per kWh, for an emissions estimate. */
        carbonIntensity: z.number().min(0).optional(),
      })
      .strict()
      .prefault({}),
    /** Numerical guards: a non-finite loss, weight or score always stops the run; so does divergence. */
    guards: z
      .object({
        /** A training loss above this multiple of the first step's stops the run as diverged. */
        divergenceFactor: z.number().gt(1).default(100),
        /**
         * A phase of a step (a selector's select, scoring, training, evaluation, a checkpoint) that shows
         * no progress for this long, and for 50 times the median step, stops the run as stalled.
         */
        stallSeconds: z.number().gt(0).default(120),
      })
      .strict()
      .prefault({}),
    /** `auto`: the ink dashboard when stdout is a TTY and CI is unset. */
    dashboard: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.batchSize % config.chunks !== 0) {
      context.addIssue({
        code: 'custom',
        path: ['chunks'],
        message: `the batch size (${config.batchSize}) must be divisible by the chunk count (${config.chunks}); e.g. --train-batch-size ${Math.max(config.chunks, Math.round(config.batchSize / config.chunks) * config.chunks)}`,
      });
    }
  });

export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

/** N = b / (1 - f), rounded to the nearest whole candidate. */
export function superBatchSizeOf(batchSize: number, filterRatio: number): number {
  return Math.round(batchSize / (1 - filterRatio));
}

/** Throws naming `--filter-ratio` when the super-batch N = b / (1 - f) is larger than the training pool. */
export function checkSuperBatchFitsPool(superBatchSize: number, poolCount: number): void {
  if (superBatchSize > poolCount) {
    throw new UserInputError(
      '--filter-ratio',
      `the super-batch (${superBatchSize} = b / (1 - f)) is larger than the training pool (${poolCount}); lower --train-batch-size or --filter-ratio.`,
    );
  }
}
