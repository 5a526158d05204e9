/**
 * The training loop. `train` opens the run (its folder, the frozen reference when the selector
 * needs one, the learner and the loop's state, fresh or from the checkpoint) and then calls
 * `step()` up to the last step: draw candidates → score on demand → select → train → account.
 * A benchmark point and a checkpoint every `evalEvery` steps and at the last; a summary at the end.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import {
  RunFailure,
  isRunFailure,
  checkSuperBatchFitsPool,
  readsPoolLosses,
  superBatchSizeOf,
  type BenchmarkPoint,
  type EnergyMeter,
  type Resolution,
  type RunConfig,
  type RunFailureInfo,
  type RunEvents,
  type RunSummary,
  type Selection,
  type Selector,
  type SelectorFactory,
  type SelectorNeeds,
} from '@sieve/core';
import type { Dataset, SourcePreparation } from '@sieve/data';
import {
  learningRateAt,
  NonFiniteParameterError,
  pixelsOf,
  createClassifierModel,
  createContrastiveModel,
  type ClassifierModel,
  type ContrastiveModel,
} from '@sieve/models';
import { PointWriter, joulesByDeviceOf, pointEnergy } from './point-writer';
import { gatherValues } from './batch';
import { readPoolRows } from './pool-rows';
import { modelSpecOf } from './model-spec';
import { PhaseLedger } from './phase-ledger';
import { prepareReference, type ReferenceResult } from './reference-model';
import { PoolReferenceLosses, poolLossesFromScores } from './pool-reference-losses';
import { RunFiles } from './run-files';
import { LazyScoringContext, type SuperBatch } from './scoring-context';
import { SelectionTally } from './selection-tally';
import { selectionRng, superBatchRng } from './streams';
import { freshLoopState, loadCheckpoint, removeOrphanStaging, resumeSettingsOf, saveCheckpoint, type LoopState } from './checkpoint';
import { LossGuard, NON_FINITE_HINT } from './numerical-guards';
import { checkNoTensorLeak, checkSelection, selectorFault, type SelectorIdentity } from './selector-faults';

export interface TrainingInputs {
  config: RunConfig;
  dataset: Dataset;
  selectorFactory: SelectorFactory;
  selector: Selector;
  backendName: string;
  meter: EnergyMeter | null;
  events: RunEvents;
  runId: string;
  /** Set `stopRequested` to finish the current step, write a point and the summary, and return. */
  control?: { stopRequested: boolean };
  /** Carry on from the checkpoint in `config.out` (written at every benchmark point). */
  resume?: boolean;
  /** The package or module path that registered the selector, named when it misbehaves. */
  selectorPlugin?: string;
  /** Task `files`: each source's store and tally of skipped samples, for the summary. */
  dataSources?: SourcePreparation[];
  /** Told when the loop enters a phase of a step, so that a supervisor can tell a stalled step from a slow one. */
  onActivity?: (activity: LoopActivity) => void;
}

/** Where the loop is: the phase it just entered and the step it is in. */
export interface LoopActivity {
  phase: 'selection' | 'training' | 'evaluation' | 'checkpoint';
  step: number;
}

export async function train(inputs: TrainingInputs): Promise<RunSummary> {
  const runStart = performance.now();
  const files = new RunFiles(inputs.config.out);
  const unsubscribe = inputs.events.subscribe((event) => files.appendEvent(event));
  try {
    const loop = await TrainingLoop.open(inputs, files, runStart);
    const failure = await loop.run();
    return await loop.finish(failure);
  } finally {
    unsubscribe();
  }
}

/** The candidates of one step: their pool indices, and their inputs once the learner needs them. */
interface Candidates {
  poolIndices: Int32Array;
  /** Copies the candidates' images and captions (or labels) into the super-batch; only the learner's scoring needs them. */
  gatherInputs: () => void;
}

/** Buffers made once per run and filled at every step. */
interface StepBuffers {
  superBatch: SuperBatch;
  images: Float32Array;
  tokens: Int32Array;
  labels: Int32Array;
  chosenPoolIndices: Int32Array;
}

class TrainingLoop {
  /** Everything the checkpoint saves and a resumed run starts from, saved and restored whole. */
  private state: LoopState;
  /** The state this process started from: its clocks and meter add to those counts. */
  private readonly startedFrom: LoopState;
  private readonly points: BenchmarkPoint[];
  private readonly buffers: StepBuffers;
  private readonly identity: SelectorIdentity;
  private readonly lossGuard: LossGuard;
  private readonly pointWriter: PointWriter;
  /** Set `stopRequested` to end the loop after the current step. */
  private readonly control: { stopRequested: boolean };
  private loopStart = 0;

  private constructor(
    private readonly inputs: TrainingInputs,
    private readonly files: RunFiles,
    private readonly runStart: number,
    private readonly superBatchSize: number,
    private readonly ledger: PhaseLedger,
    private readonly tally: SelectionTally,
    private readonly learner: ContrastiveModel | ClassifierModel,
    private readonly reference: ReferenceResult | null,
    /** The loss of every pool example, for selectors that read it: the data's own scores, or the reference's. */
    private readonly poolLosses: { given: Float32Array } | { computed: PoolReferenceLosses } | null,
    state: LoopState,
  ) {
    const { config, dataset, events, meter, selectorFactory } = inputs;
    this.startedFrom = state;
    this.state = { ...state };
    this.control = inputs.control ?? { stopRequested: false };
    this.buffers = stepBuffers(dataset, config.batchSize, this.superBatchSize, pixelsOf(learner.spec));
    this.identity = { name: selectorFactory.name, plugin: inputs.selectorPlugin ?? 'unknown' };
    this.lossGuard = new LossGuard(config.guards.divergenceFactor, state.firstLoss ?? null, config.optimizer.learningRate);
    this.points = inputs.resume ? pointsUpTo(state.step, files, events) : [];
    this.pointWriter = new PointWriter(
      { config, dataset, learner, embeddingDim: learner.spec.embeddingDim, ledger, tally, meter, files, events, joulesByDeviceBefore: state.joulesByDevice },
      { lastJoulesTotal: state.lastJoulesTotal, lastJoulesByPhase: state.lastJoulesByPhase, lastSecondsByPhase: state.lastSecondsByPhase },
    );
  }

  /**
   * Opens a run: its config and first event, the checkpoint when resuming, the reference before
   * step 1 when the selector needs it (its one-off phases are its own, never a step's), the learner.
   */
  static async open(inputs: TrainingInputs, files: RunFiles, runStart: number): Promise<TrainingLoop> {
    const { config, dataset, selectorFactory, events, meter } = inputs;
    if (!inputs.resume) await files.writeConfig(config);
    const superBatchSize = superBatchSizeOf(config.batchSize, config.filterRatio);
    checkSuperBatchFitsPool(superBatchSize, dataset.pool.count);
    const ledger = new PhaseLedger(meter);
    const tally = new SelectionTally(dataset.pool.tagNames, dataset.pool.tags);
    events.emit({
      type: 'run-start',
      info: {
        runId: inputs.runId,
        outDir: config.out,
        task: config.task,
        taskKind: dataset.kind,
        selector: selectorFactory.name,
        selectorPlugin: inputs.selectorPlugin,
        backend: inputs.backendName,
        totalSteps: config.steps,
        batchSize: config.batchSize,
        superBatchSize,
        evalEvery: config.evalEvery,
        poolSize: dataset.pool.count,
        poolMakeUp: tally.poolMakeUp,
        energySources: meter?.sources() ?? [],
      },
    });

    const spec = modelSpecOf(config, dataset);
    if (inputs.resume) {
      for (const orphan of removeOrphanStaging(config.out)) events.emit({ type: 'log', message: `removed ${orphan}, a checkpoint a killed process never finished` });
    }
    const checkpoint = inputs.resume ? await loadCheckpoint(config.out, spec, dataset.kind, (message) => events.emit({ type: 'warning', message })) : null;
    if (inputs.resume && !checkpoint) {
      events.emit({ type: 'log', message: `${config.out} has no checkpoint yet (the run ended before its first point): training from step 0` });
    }
    const state = checkpoint?.state ?? freshLoopState(config, ledger.save());
    ledger.restore(state.ledger);

    // The frozen reference, trained on the curated split or read from the cache; a resumed run's
    // ledger already holds its one-off costs.
    const needs = inputs.selector.needs ?? {};
    const givenPoolLosses =
      readsPoolLosses(needs) && dataset.kind === 'contrastive' && dataset.pool.scores ? poolLossesFromScores(dataset.pool.scores) : null;
    const reference = needsReferenceModel(needs, givenPoolLosses !== null)
      ? await prepareReference(config, spec, dataset, ledger, events, ledger.flops['reference-training'] > 0)
      : null;
    const poolLosses = givenPoolLosses
      ? { given: givenPoolLosses }
      : reference
        ? { computed: new PoolReferenceLosses(reference.scores, ledger, state.poolReferenceLossesCharged === true) }
        : null;

    // The learner, from the same initialisation for every selector with this seed, or as the checkpoint left it.
    const learner =
      checkpoint?.learner ?? (dataset.kind === 'contrastive' ? createContrastiveModel(spec, config.seed) : createClassifierModel(spec, config.seed));
    return new TrainingLoop(inputs, files, runStart, superBatchSize, ledger, tally, learner, reference, poolLosses, state);
  }

  /** Steps until the last (or a stop is asked); a fault ends the loop at its step and is returned, what was written before it kept. */
  async run(): Promise<RunFailureInfo | null> {
    const { config, events } = this.inputs;
    const control = this.control;
    this.loopStart = performance.now();
    try {
      while (this.state.step < config.steps && !control.stopRequested) {
        await this.step();
        // Let timers (meter, dashboard, signals) run between steps.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (control.stopRequested && this.points.at(-1)?.step !== this.state.step) await this.writePointAndCheckpoint();
      return null;
    } catch (error) {
      if (!isRunFailure(error)) throw error;
      const lastPoint = this.points.at(-1);
      const kept = lastPoint
        ? ` Kept in ${config.out}: every point up to step ${lastPoint.step} and the checkpoint at that step.`
        : ` Nothing was trained before it; the run folder is ${config.out}.`;
      const failure = { ...error.failure, message: `${error.failure.message}${kept}` };
      events.emit({ type: 'warning', message: `run stopped at step ${failure.step}, ${failure.phase}: ${failure.message}` });
      return failure;
    }
  }

  /** One step: draw candidates → score on demand → select → train → account. */
  private async step(): Promise<void> {
    const { config } = this.inputs;
    const step = ++this.state.step;
    const candidates = this.drawCandidates(step);
    const context = this.scoringContext(step, candidates);
    const { selection, milliseconds } = await this.select(context);
    const loss = await this.trainOn(selection, candidates, step);
    this.account(step, context, selection, milliseconds, loss);
    if (step % config.evalEvery === 0 || step === config.steps) await this.writePointAndCheckpoint();
  }

  /** N candidates drawn uniformly from the pool, by a stream of the seed and step alone. */
  private drawCandidates(step: number): Candidates {
    const { config, dataset } = this.inputs;
    const { superBatch } = this.buffers;
    const poolIndices = superBatchRng(config.seed, step).sampleWithoutReplacement(dataset.pool.count, this.superBatchSize);
    superBatch.poolIndices.set(poolIndices);
    gatherValues(dataset.pool.tags, poolIndices, superBatch.tags);
    let gathered = false;
    const gatherInputs = () => {
      if (gathered) return;
      readPoolRows(dataset, poolIndices, superBatch.images, dataset.kind === 'contrastive' ? superBatch.tokens : superBatch.labels);
      gathered = true;
    };
    return { poolIndices, gatherInputs };
  }

  /** What the selector may ask about the candidates: losses computed when first asked, charged to scoring. */
  private scoringContext(step: number, candidates: Candidates): LazyScoringContext {
    const { config, dataset, selectorFactory } = this.inputs;
    const { poolLosses } = this;
    return new LazyScoringContext({
      task: dataset.kind,
      step,
      batchSize: config.batchSize,
      rng: selectionRng(config.seed, step),
      superBatch: this.buffers.superBatch,
      learner: this.learner,
      reference: this.reference?.scores ?? null,
      poolReferenceLosses: poolLosses && ('given' in poolLosses ? () => poolLosses.given : () => poolLosses.computed.get(step)),
      ledger: this.ledger,
      seesNoiseTags: selectorFactory.seesNoiseTags === true,
      selectorName: selectorFactory.name,
      gatherInputs: candidates.gatherInputs,
    });
  }

  /**
   * The selector's choice of b and the milliseconds select() took, the selection checked against
   * its contract; what the selector throws or leaks names its plugin.
   */
  private async select(context: LazyScoringContext): Promise<{ selection: Selection; milliseconds: number }> {
    const { config, selector } = this.inputs;
    const step = context.step;
    this.enter('selection');
    const start = performance.now();
    const tensorsBefore = tf.memory().numTensors;
    const selection = await selector.select(context).catch((error: unknown) => {
      throw selectorFault(error, this.identity, step);
    });
    const milliseconds = performance.now() - start;
    checkSelection(selection, config.batchSize, this.superBatchSize, this.identity, step);
    // A selector may build what it keeps for the run at its first step in this process; from then on select() must leave nothing.
    if (step > this.startedFrom.step + 1) checkNoTensorLeak(tensorsBefore, tf.memory().numTensors, this.identity, step);
    return { selection, milliseconds };
  }

  /** One learner step on the chosen candidates, at the resolutions the selection gave; returns its loss. */
  private async trainOn(selection: Selection, candidates: Candidates, step: number): Promise<number> {
    const { config, dataset } = this.inputs;
    const { images, tokens, labels, chosenPoolIndices } = this.buffers;
    const batchSize = config.batchSize;
    for (let i = 0; i < batchSize; i++) chosenPoolIndices[i] = candidates.poolIndices[selection.indices[i]];
    readPoolRows(dataset, chosenPoolIndices, images, dataset.kind === 'contrastive' ? tokens : labels);
    // A pool on disk reads the next step's candidates on its read-ahead thread while this step trains.
    if (step < config.steps && dataset.kind === 'contrastive') {
      dataset.pool.rows?.prefetch?.(superBatchRng(config.seed, step + 1).sampleWithoutReplacement(dataset.pool.count, this.superBatchSize));
    }
    const resolutions: Resolution[] | undefined = selection.trainingResolutions;
    const learningRate = learningRateAt(step, {
      peak: config.optimizer.learningRate,
      warmupSteps: config.optimizer.warmupSteps,
      totalSteps: config.steps,
      finalFraction: config.optimizer.finalLearningRateFraction,
    });
    this.enter('training');
    const learner = this.learner;
    const loss = await this.ledger.measureAsync('training', () =>
      learner.kind === 'contrastive'
        ? learner.trainStep({ images, tokens, count: batchSize, resolutions }, learningRate)
        : learner.trainStep({ images, labels, count: batchSize, resolutions }, learningRate),
    );
    this.lossGuard.check(step, loss);
    const coarseCount = resolutions?.filter((r) => r === 'coarse').length ?? 0;
    this.ledger.addFlops('training', learner.flops.trainStep(batchSize, coarseCount));
    return loss;
  }

  /** The step's make-up, timings, diagnostics and loss, for the next point; the step event for the dashboard. */
  private account(step: number, context: LazyScoringContext, selection: Selection, selectMilliseconds: number, loss: number): void {
    const { config, events, meter } = this.inputs;
    this.state.examplesScored += context.learnerExamplesScored;
    this.tally.record(this.buffers.chosenPoolIndices, {
      // The selector's own time: its select() less the losses it waited for.
      selectionMilliseconds: selectMilliseconds - context.scoringMilliseconds,
      scoringMilliseconds: context.scoringMilliseconds,
      diagnostics: {
        ...selection.diagnostics,
        learnerScoringFlopsFine: context.learnerScoringFlops.fine,
        learnerScoringFlopsCoarse: context.learnerScoringFlops.coarse,
      },
    });
    this.pointWriter.recordLoss(loss);
    events.emit({
      type: 'step',
      step,
      totalSteps: config.steps,
      loss,
      stepsPerSecond: (step - this.startedFrom.step) / ((performance.now() - this.loopStart) / 1000),
      elapsedSeconds: this.loopSeconds(),
      powerWatts: meter?.powerWatts() ?? null,
    });
  }

  /** A benchmark point (the learner evaluated), then the checkpoint: the learner and the loop's state, whole. */
  private async writePointAndCheckpoint(): Promise<void> {
    const { config, meter } = this.inputs;
    const step = this.state.step;
    this.enter('evaluation');
    this.points.push(await this.pointWriter.write(step, this.state.examplesScored, this.runSeconds()));
    this.enter('checkpoint');
    this.state = {
      ...this.state,
      ledger: this.ledger.save(),
      ...this.pointWriter.marks,
      joulesByDevice: joulesByDeviceOf(meter, this.startedFrom.joulesByDevice) ?? {},
      poolReferenceLossesCharged: this.poolLosses !== null && 'computed' in this.poolLosses && this.poolLosses.computed.charged,
      firstLoss: this.lossGuard.first,
      runSeconds: this.runSeconds(),
      loopSeconds: this.loopSeconds(),
      settings: resumeSettingsOf(config),
    };
    await saveCheckpointOrFail(step, config.out, this.learner, this.state);
  }

  /** The summary, written and announced; a failed run then throws its failure. */
  async finish(failure: RunFailureInfo | null): Promise<RunSummary> {
    const { config, events, meter, selectorFactory } = this.inputs;
    const step = this.state.step;
    // A failed run trained every step before the one that failed.
    const stepsTrained = failure ? failure.step - 1 : step;
    const best = this.points.reduce<BenchmarkPoint | null>((top, p) => (top === null || p.score > top.score ? p : top), null);
    const finalPoint = this.points.at(-1) ?? null;
    const summary: RunSummary = {
      runId: this.inputs.runId,
      status: failure ? 'failed' : this.control.stopRequested && step < config.steps ? 'stopped' : 'completed',
      failure,
      task: config.task,
      selector: selectorFactory.name,
      backend: this.inputs.backendName,
      seed: config.seed,
      steps: stepsTrained,
      // The reference is prepared before the loop starts: its one-off phases never count in the rate.
      stepsPerSecond: stepsTrained / this.loopSeconds(),
      wallSeconds: this.runSeconds(),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      finalPoint,
      bestScore: best?.score ?? null,
      bestScoreStep: best?.step ?? null,
      flopsByPhase: { ...this.ledger.flops },
      secondsByPhase: { ...this.ledger.seconds },
      energy:
        finalPoint?.energy ??
        pointEnergy(meter, this.ledger, this.startedFrom.joulesByDevice, 0, this.ledger.joules, config.energy.carbonIntensity),
      reference: this.reference && { cacheKey: this.reference.cacheKey, reusedFromCache: this.reference.reusedFromCache },
      meterOverhead: meterOverheadOf(meter),
      ...(this.inputs.dataSources ? { dataSources: this.inputs.dataSources } : {}),
      config,
    };
    this.learner.dispose();
    await this.files.writeSummary(summary);
    events.emit({ type: 'run-end', summary });
    if (failure) throw new RunFailure(failure);
    return summary;
  }

  private enter(phase: LoopActivity['phase']): void {
    this.inputs.onActivity?.({ phase, step: this.state.step });
  }

  /** Seconds of the loop, over every process of the run (the reference's preparation is not in it). */
  private loopSeconds(): number {
    return this.startedFrom.loopSeconds + (performance.now() - this.loopStart) / 1000;
  }

  /** Seconds of the run, over every process of the run. */
  private runSeconds(): number {
    return this.startedFrom.runSeconds + (performance.now() - this.runStart) / 1000;
  }
}

/**
 * Whether the run prepares the reference model before step 1: for a selector that reads its losses
 * or embeddings, or the pool's losses where the data gives no scores of its own.
 */
function needsReferenceModel(needs: SelectorNeeds, poolLossesGiven: boolean): boolean {
  return needs.referenceModel === true || (readsPoolLosses(needs) && !poolLossesGiven);
}

function stepBuffers(dataset: Dataset, batchSize: number, superBatchSize: number, pixels: number): StepBuffers {
  const maxTokens = dataset.kind === 'contrastive' ? dataset.maxTokens : 0;
  return {
    superBatch: {
      poolIndices: new Int32Array(superBatchSize),
      images: new Float32Array(superBatchSize * pixels),
      tokens: new Int32Array(superBatchSize * maxTokens),
      labels: new Int32Array(dataset.kind === 'classification' ? superBatchSize : 0),
      tagNames: dataset.pool.tagNames,
      tags: new Uint8Array(superBatchSize),
    },
    images: new Float32Array(batchSize * pixels),
    tokens: new Int32Array(batchSize * maxTokens),
    labels: new Int32Array(batchSize),
    chosenPoolIndices: new Int32Array(batchSize),
  };
}

/** The points of a resumed run up to its checkpoint's step; later lines, and a torn last one, are dropped. */
function pointsUpTo(step: number, files: RunFiles, events: RunEvents): BenchmarkPoint[] {
  const { kept, droppedTornLines } = files.keepUpToStep(step);
  for (const file of droppedTornLines) {
    events.emit({ type: 'warning', message: `dropped the torn last line of ${file} (a write cut short when the run was killed); it is written again` });
  }
  if (step > 0) events.emit({ type: 'log', message: `resumed from the checkpoint at step ${step}` });
  return kept;
}

/** A checkpoint, unless the learner's weights are no longer finite: then the run stops, and the last good one stays. */
async function saveCheckpointOrFail(step: number, ...args: Parameters<typeof saveCheckpoint>): Promise<void> {
  try {
    await saveCheckpoint(...args);
  } catch (error) {
    if (!(error instanceof NonFiniteParameterError)) throw error;
    throw new RunFailure({
      step,
      phase: 'checkpoint',
      message: `${error.message}; ${NON_FINITE_HINT}.`,
    });
  }
}

function meterOverheadOf(meter: EnergyMeter | null): RunSummary['meterOverhead'] {
  if (!meter?.meterCpuSeconds) return null;
  const usage = process.cpuUsage();
  const processCpuSeconds = (usage.user + usage.system) / 1e6;
  const meterCpuSeconds = meter.meterCpuSeconds();
  return { meterCpuSeconds, processCpuSeconds, fraction: meterCpuSeconds / processCpuSeconds };
}
