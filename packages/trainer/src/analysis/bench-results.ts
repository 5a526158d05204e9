import type { Comparison, ReferenceCost } from './compare';
import type { BenchGoals } from './goals';
import type { MachineDescription, SystemsFigures } from './systems-figures';

/** What one seed's reference model cost, as `sieve reference` records it for the bench. */
export interface ReferenceRecord {
  seed: number;
  cacheKey: string;
  trainingFlops: number;
  embeddingFlops: number;
  trainingSeconds: number;
  embeddingSeconds: number;
  /** Null when no energy meter ran. */
  trainingJoules: number | null;
  embeddingJoules: number | null;
  energyKind: 'measured' | 'estimated' | null;
  backend: string;
}

/** A record's totals, as the comparison charges them. */
export function referenceCostOf(record: ReferenceRecord): ReferenceCost {
  return {
    seed: record.seed,
    cacheKey: record.cacheKey,
    flops: record.trainingFlops + record.embeddingFlops,
    joules: record.trainingJoules === null || record.embeddingJoules === null ? null : record.trainingJoules + record.embeddingJoules,
  };
}

/** `results.json` of a bench: everything its report and the README's results section are made from. */
export interface BenchResults {
  version: 1;
  date: string;
  preset: string;
  task: string;
  selectors: string[];
  seeds: number[];
  settings: { steps: number; batchSize: number; filterRatio: number; chunks: number; evalEvery: number; referenceSteps: number };
  machine: MachineDescription;
  /** Wall seconds of the bench over every session it took (reruns that carried it on included). */
  wallSeconds: number;
  /**
   * The most training processes a local session of the bench ran at once (`--jobs`); null on
   * Slurm, absent in older results. Two processes on two cores slow each other, so it is part of
   * what the joules mean.
   */
  parallelJobs?: number | null;
  references: ReferenceRecord[];
  runs: { name: string; selector: string; seed: number; status: string; steps: number; wallSeconds: number | null }[];
  comparison: Comparison;
  /** The default selector's goals, checked from the comparison; absent in older results and where it did not run. */
  goals?: BenchGoals;
  systems: SystemsFigures | null;
  /** Jobs that had not finished when the report was written, with their logs; absent in older results. */
  missing?: { name: string; log: string }[];
}
