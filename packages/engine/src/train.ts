/**
 * The training loop, top to bottom: for every step a super-batch, a selection, a learner step;
 * a benchmark point at a fixed interval; a summary at the end. The reference model is trained
 * (or taken from the cache) the first time a selector asks for reference losses, so a selector
 * that never does (uniform) is never charged for it.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import {
  ONE_OFF_PHASES,
  RunFailure,
  isRunFailure,
  checkSuperBatchFitsPool,
  superBatchSizeOf,
  type BenchmarkPoint,
  type EnergyMeter,
  type Resolution,
  type RunConfig,
  type RunFailureInfo,
  type RunEvents,
  type RunSummary,
  type Selector,
  type SelectorFactory,
} from '@sieve/core';
import type { Dataset, SourcePreparation } from '@sieve/data';
import { learningRateAt } from '@sieve/tensor';
import { NonFiniteParameterError, pixelsOf, createClassifierModel, createContrastiveModel, type ClassifierModel, type ContrastiveModel } from '@sieve/models';
import { PointWriter, joulesByDeviceOf, pointEnergy } from './point-writer';
import { gatherValues } from './batch';
import { readPoolRows } from './pool-rows';
import { modelSpecOf } from './model-spec';
import { PhaseLedger } from './phase-ledger';
import { ReferenceOnDemand, prepareReference } from './reference-model';
import { PoolReferenceLosses, poolLossesFromScores } from './pool-reference-losses';
import { RunFiles } from './run-files';
import { LazyScoringContext, type SuperBatch } from './scoring-context';
import { SelectionTally } from './selection-tally';
import { selectionRng, superBatchRng } from './streams';
import { LOOP_STATE_VERSION, loadCheckpoint, removeOrphanStaging, resumeSettingsOf, saveCheckpoint, type LoopState } from './checkpoint';
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
  const { config, dataset, selector, selectorFactory, events, meter } = inputs;
  const control = inputs.control ?? { stopRequested: false };
  const enter = (phase: LoopActivity['phase'], step: number) => inputs.onActivity?.({ phase, step });
  const runStart = performance.now();
  const files = new RunFiles(config.out);
  const unsubscribe = events.subscribe((event) => files.appendEvent(event));
  try {
    if (!inputs.resume) await files.writeConfig(config);
    const batchSize = config.batchSize;
    const superBatchSize = superBatchSizeOf(batchSize, config.filterRatio);
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
        batchSize,
        superBatchSize,
        evalEvery: config.evalEvery,
        poolSize: dataset.pool.count,
        poolMakeUp: tally.poolMakeUp,
        energySources: meter?.sources() ?? [],
      },
    });

    // 1. The frozen reference model, trained on the curated split or reused from the cache, when first needed.
    const spec = modelSpecOf(config, dataset);
    const reference = new ReferenceOnDemand(() =>
      prepareReference(config, spec, dataset, ledger, events, ledger.flops['reference-training'] > 0),
    );

    // 2. The learner, from the same initialisation for every selector with this seed, or as the
    // checkpoint left it when resuming.
    if (inputs.resume) {
      for (const orphan of removeOrphanStaging(config.out)) events.emit({ type: 'log', message: `removed ${orphan}, a checkpoint a killed process never finished` });
    }
    const checkpoint = inputs.resume
      ? await loadCheckpoint(config.out, spec, dataset.kind, (message) => events.emit({ type: 'warning', message }))
      : null;
    if (inputs.resume && !checkpoint) {
      events.emit({ type: 'log', message: `${config.out} has no checkpoint yet (the run ended before its first point): training from step 0` });
    }
    const learner: ContrastiveModel | ClassifierModel =
      checkpoint?.learner ??
      (dataset.kind === 'contrastive' ? createContrastiveModel(spec, config.seed) : createClassifierModel(spec, config.seed));
    // The pool's reference losses, for every step's context: computed once, when a selector first asks.
    const poolReferenceLosses = new PoolReferenceLosses(reference.scores, ledger, checkpoint?.state.poolReferenceLossesCharged === true);
    // With a score column the pool's losses are the data's own scores, and no reference is trained for them.
    const givenPoolLosses = dataset.kind === 'contrastive' && dataset.pool.scores ? poolLossesFromScores(dataset.pool.scores) : null;

    const pixels = pixelsOf(spec);
    const maxTokens = dataset.kind === 'contrastive' ? dataset.maxTokens : 0;
    const superBatch: SuperBatch = {
      poolIndices: new Int32Array(superBatchSize),
      images: new Float32Array(superBatchSize * pixels),
      tokens: new Int32Array(superBatchSize * maxTokens),
      labels: new Int32Array(dataset.kind === 'classification' ? superBatchSize : 0),
      tagNames: dataset.pool.tagNames,
      tags: new Uint8Array(superBatchSize),
    };
    const batchImages = new Float32Array(batchSize * pixels);
    const batchTokens = new Int32Array(batchSize * maxTokens);
    const batchLabels = new Int32Array(batchSize);
    const chosenPoolIndices = new Int32Array(batchSize);

    // Where the loop starts: step 0, or the checkpoint's step with its counters and the points up to it.
    if (checkpoint) ledger.restore(checkpoint.state.ledger);
    const counters = startingCounters(checkpoint?.state ?? null, ledger);
    let { step, examplesScored } = counters;
    // Seconds and joules from before a resume; the new meter and clocks start from zero.
    const { runSecondsBefore, loopSecondsBefore, joulesByDeviceBefore, lastJoulesTotal, lastJoulesByPhase, lastSecondsByPhase } = counters;
    const points: BenchmarkPoint[] = inputs.resume ? pointsUpTo(step, files, events) : [];
    const selectorIdentity: SelectorIdentity = { name: selectorFactory.name, plugin: inputs.selectorPlugin ?? 'unknown' };
    const firstStepOfThisProcess = step + 1;
    const lossGuard = new LossGuard(config.guards.divergenceFactor, checkpoint?.state.firstLoss ?? null, config.optimizer.learningRate);
    const loopStart = performance.now();
    const oneOffSecondsAtLoopStart = oneOffSeconds(ledger);
    const loopSeconds = () => loopSecondsBefore + (performance.now() - loopStart) / 1000;
    const runSeconds = () => runSecondsBefore + (performance.now() - runStart) / 1000;

    const pointWriter = new PointWriter(
      { config, dataset, learner, embeddingDim: spec.embeddingDim, ledger, tally, meter, files, events, joulesByDeviceBefore },
      { lastJoulesTotal, lastJoulesByPhase, lastSecondsByPhase },
    );
    const writeCheckpoint = () => {
      enter('checkpoint', step);
      return saveCheckpointOrFail(step, config.out, learner, {
        version: LOOP_STATE_VERSION,
        step,
        examplesScored,
        ledger: ledger.save(),
        ...pointWriter.marks,
        joulesByDevice: joulesByDeviceOf(meter, joulesByDeviceBefore) ?? {},
        poolReferenceLossesCharged: poolReferenceLosses.charged,
        firstLoss: lossGuard.first,
        runSeconds: runSeconds(),
        loopSeconds: loopSeconds(),
        settings: resumeSettingsOf(config),
      });
    };

    const writePoint = async () => {
      enter('evaluation', step);
      points.push(await pointWriter.write(step, examplesScored, runSeconds()));
    };

    // 3. The loop.
    // A fault (non-finite or diverging numbers, a selector breaking its contract) stops the loop at
    // that step; the points and checkpoint written before it stay as they are.
    let failure: RunFailureInfo | null = null;
    try {
      while (step < config.steps && !control.stopRequested) {
        step++;
        // 3a. A super-batch of N candidates drawn uniformly from the pool.
        const poolIndices = superBatchRng(config.seed, step).sampleWithoutReplacement(dataset.pool.count, superBatchSize);
        superBatch.poolIndices.set(poolIndices);
        gatherValues(dataset.pool.tags, poolIndices, superBatch.tags);
        // The candidates' images and captions are copied only if the learner scores them.
        let inputsGathered = false;
        const gatherInputs = () => {
          if (inputsGathered) return;
          readPoolRows(dataset, poolIndices, superBatch.images, dataset.kind === 'contrastive' ? superBatch.tokens : superBatch.labels);
          inputsGathered = true;
        };

        // 3b. The selector picks b of them; losses it asks for are computed lazily and charged to scoring.
        const context = new LazyScoringContext({
          task: dataset.kind,
          step,
          batchSize,
          rng: selectionRng(config.seed, step),
          superBatch,
          learner,
          reference: reference.scores,
          poolReferenceLosses: givenPoolLosses ? () => Promise.resolve(givenPoolLosses) : () => poolReferenceLosses.get(step),
          poolLossesGiven: givenPoolLosses !== null,
          ledger,
          seesNoiseTags: selectorFactory.seesNoiseTags === true,
          selectorName: selectorFactory.name,
          gatherInputs,
        });
        enter('selection', step);
        const selectionStart = performance.now();
        const tensorsBeforeSelect = tf.memory().numTensors;
        const selection = await selector.select(context).catch((error: unknown) => {
          throw selectorFault(error, selectorIdentity, step);
        });
        const selectionMilliseconds = performance.now() - selectionStart - context.scoringMilliseconds - context.referencePreparationMilliseconds;
        checkSelection(selection, batchSize, superBatchSize, selectorIdentity, step);
        // Step one may build what a run keeps (the reference, caches); from then on select() must leave nothing.
        if (step > firstStepOfThisProcess) checkNoTensorLeak(tensorsBeforeSelect, tf.memory().numTensors, selectorIdentity, step);
        examplesScored += context.learnerExamplesScored;
        for (let i = 0; i < batchSize; i++) chosenPoolIndices[i] = poolIndices[selection.indices[i]];
        tally.record(chosenPoolIndices, {
          selectionMilliseconds,
          scoringMilliseconds: context.scoringMilliseconds,
          diagnostics: {
            ...selection.diagnostics,
            learnerScoringFlopsFine: context.learnerScoringFlops.fine,
            learnerScoringFlopsCoarse: context.learnerScoringFlops.coarse,
          },
        });

        // 3c. One learner step on the chosen examples.
        readPoolRows(dataset, chosenPoolIndices, batchImages, dataset.kind === 'contrastive' ? batchTokens : batchLabels);
        // A pool on disk reads the next step's candidates on its read-ahead thread while this step trains.
        if (step < config.steps && dataset.kind === 'contrastive') {
          dataset.pool.rows?.prefetch?.(superBatchRng(config.seed, step + 1).sampleWithoutReplacement(dataset.pool.count, superBatchSize));
        }
        const resolutions: Resolution[] | undefined = selection.trainingResolutions;
        const coarseCount = resolutions?.filter((r) => r === 'coarse').length ?? 0;
        const learningRate = learningRateAt(step, {
          peak: config.optimizer.learningRate,
          warmupSteps: config.optimizer.warmupSteps,
          totalSteps: config.steps,
          finalFraction: config.optimizer.finalLearningRateFraction,
        });
        enter('training', step);
        const loss = await ledger.measureAsync('training', () =>
          learner.kind === 'contrastive'
            ? learner.trainStep({ images: batchImages, tokens: batchTokens, count: batchSize, resolutions }, learningRate)
            : learner.trainStep({ images: batchImages, labels: batchLabels, count: batchSize, resolutions }, learningRate),
        );
        lossGuard.check(step, loss);
        ledger.addFlops('training', learner.flops.trainStep(batchSize, coarseCount));
        pointWriter.recordLoss(loss);

        const elapsedSeconds = loopSeconds();
        events.emit({
          type: 'step',
          step,
          totalSteps: config.steps,
          loss,
          stepsPerSecond:
            (step - (checkpoint?.state.step ?? 0)) / ((performance.now() - loopStart) / 1000 - (oneOffSeconds(ledger) - oneOffSecondsAtLoopStart)),
          elapsedSeconds,
          powerWatts: meter?.powerWatts() ?? null,
        });

        // 3d. A benchmark point at the interval, and always at the last step.
        if (step % config.evalEvery === 0 || step === config.steps) {
          await writePoint();
          await writeCheckpoint();
        }
        // Let timers (meter, dashboard, signals) run between steps.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (control.stopRequested && (points.length === 0 || points[points.length - 1].step !== step)) {
        await writePoint();
        await writeCheckpoint();
      }
    } catch (error) {
      if (!isRunFailure(error)) throw error;
      const lastPoint = points[points.length - 1];
      const kept = lastPoint
        ? ` Kept in ${config.out}: every point up to step ${lastPoint.step} and the checkpoint at that step.`
        : ` Nothing was trained before it; the run folder is ${config.out}.`;
      failure = { ...error.failure, message: `${error.failure.message}${kept}` };
      events.emit({ type: 'warning', message: `run stopped at step ${failure.step}, ${failure.phase}: ${failure.message}` });
    }

    const best = points.reduce<BenchmarkPoint | null>((top, p) => (top === null || p.score > top.score ? p : top), null);
    const finalPoint = points[points.length - 1] ?? null;
    const summary: RunSummary = {
      runId: inputs.runId,
      status: failure ? 'failed' : control.stopRequested && step < config.steps ? 'stopped' : 'completed',
      failure,
      task: config.task,
      selector: selectorFactory.name,
      backend: inputs.backendName,
      seed: config.seed,
      // A failed run trained every step before the one that failed.
      steps: failure ? failure.step - 1 : step,
      // The reference's one-off phases are not steps: they never count in the rate.
      stepsPerSecond: (failure ? failure.step - 1 : step) / (loopSeconds() - oneOffSeconds(ledger)),
      wallSeconds: runSeconds(),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      finalPoint,
      bestScore: best?.score ?? null,
      bestScoreStep: best?.step ?? null,
      flopsByPhase: { ...ledger.flops },
      secondsByPhase: { ...ledger.seconds },
      energy: finalPoint?.energy ?? pointEnergy(meter, ledger, joulesByDeviceBefore, 0, ledger.joules, config.energy.carbonIntensity),
      reference: reference.result && { cacheKey: reference.result.cacheKey, reusedFromCache: reference.result.reusedFromCache },
      meterOverhead: meterOverheadOf(meter),
      ...(inputs.dataSources ? { dataSources: inputs.dataSources } : {}),
      config,
    };
    learner.dispose();
    await files.writeSummary(summary);
    events.emit({ type: 'run-end', summary });
    if (failure) throw new RunFailure(failure);
    return summary;
  } finally {
    unsubscribe();
  }
}

/** The loop's counters at its first step: zero, or as a checkpoint saved them. */
function startingCounters(state: LoopState | null, ledger: PhaseLedger) {
  return {
    step: state?.step ?? 0,
    examplesScored: state?.examplesScored ?? 0,
    lastJoulesTotal: state?.lastJoulesTotal ?? 0,
    lastJoulesByPhase: state?.lastJoulesByPhase ?? { ...ledger.joules },
    lastSecondsByPhase: state?.lastSecondsByPhase ?? { ...ledger.seconds },
    joulesByDeviceBefore: state?.joulesByDevice ?? {},
    runSecondsBefore: state?.runSeconds ?? 0,
    loopSecondsBefore: state?.loopSeconds ?? 0,
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

/** Seconds spent training and embedding the reference within this run. */
function oneOffSeconds(ledger: PhaseLedger): number {
  return ONE_OFF_PHASES.reduce((sum, phase) => sum + ledger.seconds[phase], 0);
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
