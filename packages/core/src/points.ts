import { z } from 'zod';
import { PHASES, type PerPhase } from './types';
import type { RunFailureInfo } from './errors';

/** Figures by phase; a phase a later version adds passes through. */
const perPhaseFigures = z.looseRecord(z.enum(PHASES), z.number());

const energySourceUseSchema = z.object({
  name: z.string(),
  measured: z.boolean(),
});
export type EnergySourceUse = z.infer<typeof energySourceUseSchema>;

/** Energy at a benchmark point; all joules are null when no meter ran. */
const pointEnergySchema = z.object({
  joulesTotal: z.number().nullable(),
  joulesSinceLastPoint: z.number().nullable(),
  joulesByPhase: perPhaseFigures.nullable(),
  joulesByPhaseSinceLastPoint: perPhaseFigures.nullable(),
  joulesByDevice: z.record(z.string(), z.number()).nullable(),
  /** `measured` when every source was a sensor, `estimated` otherwise. */
  kind: z.enum(['measured', 'estimated']).nullable(),
  sources: z.array(energySourceUseSchema),
  /** Emissions from `energy.carbonIntensity` (g CO2e / kWh), if set. */
  gramsCo2e: z.number().nullable(),
});
export type PointEnergy = z.infer<typeof pointEnergySchema>;

/** The energy of a point when no meter ran: every figure null. */
export function noPointEnergy(): PointEnergy {
  return {
    joulesTotal: null,
    joulesSinceLastPoint: null,
    joulesByPhase: null,
    joulesByPhaseSinceLastPoint: null,
    joulesByDevice: null,
    kind: null,
    sources: [],
    gramsCo2e: null,
  };
}

/** The make-up of what was chosen since the last point, against the pool. */
const selectionReportSchema = z.object({
  /** Fraction of each noise tag among the examples trained on since the last point. */
  makeUp: z.record(z.string(), z.number()),
  /** Fraction of each noise tag in the training pool. */
  poolMakeUp: z.record(z.string(), z.number()),
  /** Mean milliseconds per selection (scoring excluded) since the last point. */
  selectionMilliseconds: z.number(),
  /** Mean milliseconds per step spent computing scores since the last point. */
  scoringMilliseconds: z.number(),
  /**
   * The selector's own diagnostics averaged since the last point (e.g. `meanLearnabilityChosen`
   * and `meanLearnabilitySuperBatch` from a learnability score), and the learner's scoring FLOPs
   * at each resolution.
   */
  diagnostics: z.record(z.string(), z.number()),
});
export type SelectionReport = z.infer<typeof selectionReportSchema>;

/** Recall at 1, 5 and 10 in one retrieval direction. */
const recallAtKSchema = z.object({ at1: z.number(), at5: z.number(), at10: z.number() });
export type RecallAtK = z.infer<typeof recallAtKSchema>;

const retrievalFiguresSchema = z.object({ imageToText: recallAtKSchema, textToImage: recallAtKSchema });
export type RetrievalFigures = z.infer<typeof retrievalFiguresSchema>;

/**
 * One line of `points.jsonl`: the one definition of a benchmark point, which the engine writes
 * and every reader checks (`pointProblem`). Fields it does not name are ignored, not refused: a
 * point of an older run folder (with the `selection.meanLearnabilityChosen` and
 * `meanLearnabilitySuperBatch` that are now the selector's diagnostics) still reads.
 */
export const benchmarkPointSchema = z.object({
  step: z.number().int().min(1),
  examplesTrained: z.number(),
  examplesScored: z.number(),
  wallSeconds: z.number(),
  /** Mean training loss since the last point. */
  trainLoss: z.number().nullable(),
  /** Contrastive task: zero-shot 10-way accuracy on the test set; classification: null. */
  zeroShotAccuracy: z.number().nullable(),
  /** Contrastive task: zero-shot accuracy over class x attribute concepts. */
  attributeZeroShotAccuracy: z.number().nullable(),
  /** Classification task: test accuracy. */
  testAccuracy: z.number().nullable(),
  /** Task `files`: image-to-text and text-to-image recall at 1, 5 and 10 on the test set (absent before). */
  retrieval: retrievalFiguresSchema.nullable().optional(),
  /** The headline metric: mean of the two zero-shot accuracies, test accuracy, or (task `files`) the mean of the two recall@1. */
  score: z.number(),
  flopsByPhase: perPhaseFigures,
  flopsTotal: z.number().min(0),
  /** Total without the one-off reference phases. */
  flopsTotalWithoutReference: z.number().min(0),
  secondsByPhase: perPhaseFigures,
  energy: pointEnergySchema,
  selection: selectionReportSchema,
  tensorCount: z.number(),
  heapUsedBytes: z.number(),
});
export type BenchmarkPoint = z.infer<typeof benchmarkPointSchema>;

/**
 * What every reader of `points.jsonl` (a resume, the comparison, the report, the dashboard)
 * checks of a line: the fields they all rely on, typed as above. Other fields pass unchecked, so
 * a point of an older run folder, or a hand-made one with only these, still reads.
 */
const readablePointSchema = z.object({
  ...benchmarkPointSchema.pick({ step: true, score: true, flopsTotal: true, flopsTotalWithoutReference: true }).shape,
  energy: pointEnergySchema.pick({ joulesTotal: true }),
});

/** Why `value` is not a readable benchmark point (its first wrong field and what is wrong), or null when it is one. */
export function pointProblem(value: unknown): string | null {
  const parsed = readablePointSchema.safeParse(value);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `${issue.path.join('.') || '(the line)'} ${issue.message.toLowerCase()}`;
}

/** `summary.json` of a run. */
export interface RunSummary {
  runId: string;
  /** `failed`: a fault stopped the run (see `failure`); its points and last checkpoint are kept. */
  status: 'completed' | 'stopped' | 'failed';
  /** Where and why a failed run stopped; null otherwise. */
  failure: RunFailureInfo | null;
  task: string;
  selector: string;
  backend: string;
  seed: number;
  steps: number;
  stepsPerSecond: number;
  wallSeconds: number;
  peakRssBytes: number;
  finalPoint: BenchmarkPoint | null;
  bestScore: number | null;
  bestScoreStep: number | null;
  flopsByPhase: PerPhase<number>;
  secondsByPhase: PerPhase<number>;
  energy: PointEnergy;
  /** The reference model used, or null when the selector never asked for reference losses. */
  reference: { cacheKey: string; reusedFromCache: boolean } | null;
  /** The meter's own CPU time against the whole process's, when a meter ran. */
  meterOverhead: { meterCpuSeconds: number; processCpuSeconds: number; fraction: number } | null;
  /** Task `files`: each source's store, its sample count and the samples skipped by reason. */
  dataSources?: unknown[];
  config: unknown;
}
