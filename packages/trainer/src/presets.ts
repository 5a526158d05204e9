import type { RunConfigInput } from '@sieve/core';

/** The main job; the reference, model and optimizer take the config schema's defaults. */
const DEFAULT_PRESET = {
  steps: 1000,
  batchSize: 128,
  filterRatio: 0.8,
  chunks: 16,
  seed: 0,
  evalEvery: 100,
} satisfies Partial<RunConfigInput>;

/**
 * Named starting points; a config file and then flags override them.
 * - smoke: a whole run (reference, scoring, training, points) in well under a minute.
 * - default: the main job: finishes within 5 minutes on a 2-core machine.
 * - benchmark: the protocol's settings (points every 50 steps) for selector comparisons.
 */
export const PRESETS = {
  smoke: {
    steps: 60,
    batchSize: 64,
    filterRatio: 0.8,
    chunks: 16,
    seed: 0,
    evalEvery: 30,
    reference: { steps: 150, batchSize: 128, learningRate: 2e-3, maxShift: 2 },
    evaluation: { testLimit: 2000 },
    optimizer: { learningRate: 2e-3, warmupSteps: 10, finalLearningRateFraction: 0.05 },
  },
  default: DEFAULT_PRESET,
  benchmark: { ...DEFAULT_PRESET, steps: 1500, evalEvery: 50 },
} satisfies Record<string, Partial<RunConfigInput>>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
