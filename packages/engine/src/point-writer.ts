import * as tf from '@tensorflow/tfjs-core';
import {
  ONE_OFF_PHASES,
  noPointEnergy,
  PHASES,
  type BenchmarkPoint,
  type EnergyMeter,
  type PerPhase,
  type PointEnergy,
  type RunConfig,
  type RunEvents,
} from '@sieve/core';
import type { Dataset } from '@sieve/data';
import type { ClassifierModel, ContrastiveModel } from '@sieve/models';
import { evaluateClassifier, evaluateContrastive, type ClassificationEvaluation, type ContrastiveEvaluation } from './evaluate';
import type { PhaseLedger } from './phase-ledger';
import type { RunFiles } from './run-files';
import type { SelectionTally } from './selection-tally';

/** Where the previous point left the energy and time counters; a point reports what changed since. */
export interface PointMarks {
  lastJoulesTotal: number;
  lastJoulesByPhase: PerPhase<number>;
  lastSecondsByPhase: PerPhase<number>;
}

export interface PointWriterInputs {
  config: RunConfig;
  dataset: Dataset;
  learner: ContrastiveModel | ClassifierModel;
  embeddingDim: number;
  ledger: PhaseLedger;
  tally: SelectionTally;
  meter: EnergyMeter | null;
  files: RunFiles;
  events: RunEvents;
  /** Joules per device from before a resume; the new meter starts from zero. */
  joulesByDeviceBefore: Record<string, number>;
}

/**
 * A benchmark point: evaluates the learner (charged to the evaluation phase), adds up the costs
 * so far and since the previous point, and appends the point and its energy rows to the run folder.
 */
export class PointWriter {
  private lossSum = 0;
  private lossCount = 0;

  constructor(
    private readonly inputs: PointWriterInputs,
    private current: PointMarks,
  ) {}

  /** The marks a checkpoint saves, so that a resumed run's next point covers the same window. */
  get marks(): PointMarks {
    return this.current;
  }

  /** One training step's loss, averaged into the next point's `trainLoss`. */
  recordLoss(loss: number): void {
    this.lossSum += loss;
    this.lossCount++;
  }

  async write(step: number, examplesScored: number, wallSeconds: number): Promise<BenchmarkPoint> {
    const { config, dataset, learner, ledger, meter, files, events } = this.inputs;
    const evaluation = await ledger.measureAsync<ContrastiveEvaluation | ClassificationEvaluation>('evaluation', () =>
      learner.kind === 'contrastive' && dataset.kind === 'contrastive'
        ? evaluateContrastive(learner, dataset, this.inputs.embeddingDim, config.evaluation.testLimit, config.evaluation.retrievalLimit)
        : evaluateClassifier(learner as ClassifierModel, dataset as Extract<Dataset, { kind: 'classification' }>, config.evaluation.testLimit),
    );
    ledger.addFlops('evaluation', evaluation.flops);
    const { lastJoulesTotal, lastJoulesByPhase, lastSecondsByPhase } = this.current;
    const energy = pointEnergy(meter, ledger, this.inputs.joulesByDeviceBefore, lastJoulesTotal, lastJoulesByPhase, config.energy.carbonIntensity);
    if (meter) {
      files.appendEnergyRows(
        PHASES.map((phase) => ({
          step,
          phase,
          seconds: ledger.seconds[phase] - lastSecondsByPhase[phase],
          joules: ledger.joules[phase] - lastJoulesByPhase[phase],
          kind: energy.kind ?? 'estimated',
          coverage: ledger.coverage,
        })),
      );
    }
    this.current = { lastJoulesTotal: energy.joulesTotal ?? 0, lastJoulesByPhase: { ...ledger.joules }, lastSecondsByPhase: { ...ledger.seconds } };
    const flopsByPhase = { ...ledger.flops };
    const flopsTotal = ledger.totalFlops();
    const point: BenchmarkPoint = {
      step,
      examplesTrained: step * config.batchSize,
      examplesScored,
      wallSeconds,
      trainLoss: this.lossCount > 0 ? this.lossSum / this.lossCount : null,
      zeroShotAccuracy: 'zeroShotAccuracy' in evaluation ? evaluation.zeroShotAccuracy : null,
      attributeZeroShotAccuracy: 'attributeZeroShotAccuracy' in evaluation ? evaluation.attributeZeroShotAccuracy : null,
      testAccuracy: 'testAccuracy' in evaluation ? evaluation.testAccuracy : null,
      ...('retrieval' in evaluation && evaluation.retrieval ? { retrieval: evaluation.retrieval } : {}),
      score: evaluation.score,
      flopsByPhase,
      flopsTotal,
      flopsTotalWithoutReference: flopsTotal - ONE_OFF_PHASES.reduce((sum, phase) => sum + flopsByPhase[phase], 0),
      secondsByPhase: { ...ledger.seconds },
      energy,
      selection: this.inputs.tally.report(),
      tensorCount: tf.memory().numTensors,
      heapUsedBytes: process.memoryUsage().heapUsed,
    };
    this.lossSum = 0;
    this.lossCount = 0;
    files.appendPoint(point);
    events.emit({ type: 'point', point });
    return point;
  }
}

/** Cumulative joules per device: this meter's since it started, plus those from before a resume. */
export function joulesByDeviceOf(meter: EnergyMeter | null, before: Record<string, number>): Record<string, number> | null {
  if (!meter) return null;
  const total = { ...before };
  for (const [device, joules] of Object.entries(meter.totalJoulesByDevice())) total[device] = (total[device] ?? 0) + joules;
  return total;
}

/** The energy a point reports: totals so far and since the previous point, by phase and by device. */
export function pointEnergy(
  meter: EnergyMeter | null,
  ledger: PhaseLedger,
  joulesByDeviceBefore: Record<string, number>,
  lastJoulesTotal: number,
  lastJoulesByPhase: Record<string, number>,
  carbonIntensity: number | undefined,
): PointEnergy {
  if (!meter) return noPointEnergy();
  const joulesByDevice = joulesByDeviceOf(meter, joulesByDeviceBefore) ?? {};
  const joulesTotal = Object.values(joulesByDevice).reduce((sum, j) => sum + j, 0);
  const sources = meter
    .sources()
    .filter((source) => source.available)
    .map((source) => ({ name: source.name, measured: source.measured }));
  const joulesByPhase = { ...ledger.joules };
  const sincePhase = Object.fromEntries(PHASES.map((p) => [p, joulesByPhase[p] - (lastJoulesByPhase[p] ?? 0)])) as typeof joulesByPhase;
  return {
    joulesTotal,
    joulesSinceLastPoint: joulesTotal - lastJoulesTotal,
    joulesByPhase,
    joulesByPhaseSinceLastPoint: sincePhase,
    joulesByDevice,
    kind: sources.length > 0 && sources.every((s) => s.measured) && ledger.allMeasured ? 'measured' : 'estimated',
    sources,
    gramsCo2e: carbonIntensity === undefined ? null : (joulesTotal / 3.6e6) * carbonIntensity,
  };
}
