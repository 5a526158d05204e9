import type { PerPhase } from './types';
import type { RunFailureInfo } from './errors';

export interface EnergySourceUse {
  name: string;
  measured: boolean;
}

/** Energy at a benchmark point; all joules are null when no meter ran. */
export interface PointEnergy {
  joulesTotal: number | null;
  joulesSinceLastPoint: number | null;
  joulesByPhase: PerPhase<number> | null;
  joulesByPhaseSinceLastPoint: PerPhase<number> | null;
  joulesByDevice: Record<string, number> | null;
  /** `measured` when every source was a sensor, `estimated` otherwise. */
  kind: 'measured' | 'estimated' | null;
  sources: EnergySourceUse[];
  /** Emissions from `energy.carbonIntensity` (g CO2e / kWh), if set. */
  gramsCo2e: number | null;
}

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
export interface SelectionReport {
  /** Fraction of each noise tag among the examples trained on since the last point. */
  makeUp: Record<string, number>;
  /** Fraction of each noise tag in the training pool. */
  poolMakeUp: Record<string, number>;
  /** Mean learnability (learner minus reference) of chosen examples, when it was computed. */
  meanLearnabilityChosen: number | null;
  /** Mean learnability over the whole super-batches, when it was computed. */
  meanLearnabilitySuperBatch: number | null;
  /** Mean milliseconds per selection (scoring excluded) since the last point. */
  selectionMilliseconds: number;
  /** Mean milliseconds per step spent computing scores since the last point. */
  scoringMilliseconds: number;
  /** Selector-specific diagnostics averaged since the last point. */
  diagnostics: Record<string, number>;
}

/** Recall at 1, 5 and 10 in one retrieval direction. */
export interface RecallAtK {
  at1: number;
  at5: number;
  at10: number;
}

export interface RetrievalFigures {
  imageToText: RecallAtK;
  textToImage: RecallAtK;
}

/** One line of `points.jsonl`. */
export interface BenchmarkPoint {
  step: number;
  examplesTrained: number;
  examplesScored: number;
  wallSeconds: number;
  /** Mean training loss since the last point. */
  trainLoss: number | null;
  /** Contrastive task: zero-shot 10-way accuracy on the test set; classification: null. */
  zeroShotAccuracy: number | null;
  /** Contrastive task: zero-shot accuracy over class x attribute concepts. */
  attributeZeroShotAccuracy: number | null;
  /** Classification task: test accuracy. */
  testAccuracy: number | null;
  /** Task `files`: image-to-text and text-to-image recall at 1, 5 and 10 on the test set (absent before). */
  retrieval?: RetrievalFigures | null;
  /** The headline metric: mean of the two zero-shot accuracies, test accuracy, or (task `files`) the mean of the two recall@1. */
  score: number;
  flopsByPhase: PerPhase<number>;
  flopsTotal: number;
  /** Total without the one-off reference phases. */
  flopsTotalWithoutReference: number;
  secondsByPhase: PerPhase<number>;
  energy: PointEnergy;
  selection: SelectionReport;
  tensorCount: number;
  heapUsedBytes: number;
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
