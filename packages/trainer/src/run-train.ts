import { randomUUID } from 'node:crypto';
import { superBatchSizeOf, RunEvents, UserInputError, type EnergyMeter, type RunConfig, type RunSummary } from '@sieve/core';
import { initBackend } from '@sieve/tensor';
import { loadDataset } from '@sieve/data';
import { loadSelectorRegistry, train } from '@sieve/engine';
import { createEnergyMeter } from '@sieve/energy';
import { createPlainLogger, mountDashboard, shouldUseDashboard } from '@sieve/dashboard';
import { checkOutDir, clearPreviousRun } from './out-dir';

const SAME_SIGNAL_MS = 1000;

export interface TrainOptions {
  overwrite: boolean;
  /** Carry on the run in `config.out` from its checkpoint. */
  resume?: boolean;
  /** Where plain lines go (stdout by default). */
  write?: (line: string) => void;
  /** A meter that the caller has started and stops itself; by default the run makes its own from `config.energy`. */
  meter?: EnergyMeter;
}

/**
 * Validates everything a user gave (config, selector and its settings, output folder, data),
 * and only then starts the meter, the screen and the training loop.
 */
export interface TrainResult {
  summary: RunSummary;
  /** The signal that stopped the run (it finished its step and wrote a point, a checkpoint and the summary). */
  stopSignal: 'SIGINT' | 'SIGTERM' | null;
}

export async function runTrain(config: RunConfig, options: TrainOptions): Promise<TrainResult> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));

  // Everything that can be wrong with the input is checked before any output exists.
  const registry = await loadSelectorRegistry(config.plugins);
  const selectorFactory = registry.get(config.selector);
  const superBatchSize = superBatchSizeOf(config.batchSize, config.filterRatio);
  const taskKind = config.task === 'fashion-noisy-labels' ? 'classification' : 'contrastive';
  const selector = selectorFactory.create({
    task: taskKind,
    batchSize: config.batchSize,
    superBatchSize,
    chunks: config.chunks,
    seed: config.seed,
    options: config.selectorOptions,
  });
  if (!options.resume) checkOutDir(config.out, options.overwrite);
  const backend = await initBackend(config.backend);
  write(`backend ${backend.name}${backend.onGpu ? ' (GPU)' : ''}${backend.device ? ` on ${backend.device}` : ''}`);
  for (const skipped of backend.skipped) write(`  skipped ${skipped.name}: ${skipped.reason}`);
  for (const warning of backend.warnings) write(`warning: ${warning}`);
  const loaded = await loadDataset(config, { log: write });
  for (const warning of loaded.warnings) write(`warning: ${warning}`);
  write(
    `data ${loaded.dataset.name}: pool ${loaded.dataset.pool.count}, reference ${loaded.dataset.reference.count}, ` +
      `test ${loaded.dataset.test.count}, ${loaded.dataset.droppedEntries} malformed entries dropped ` +
      `(${loaded.fromCache ? 'from cache' : 'decoded'} in ${loaded.seconds.toFixed(1)} s)`,
  );
  if (superBatchSize > loaded.dataset.pool.count) {
    throw new UserInputError(
      '--filter-ratio',
      `the super-batch (${superBatchSize} = b / (1 - f)) is larger than the training pool (${loaded.dataset.pool.count}); lower --train-batch-size or --filter-ratio.`,
    );
  }
  if (options.overwrite) clearPreviousRun(config.out);

  const events = new RunEvents();
  const control = { stopRequested: false };
  let meter: EnergyMeter | null = options.meter ?? null;
  if (!meter && config.energy.enabled) {
    meter = createEnergyMeter({ sampleIntervalMs: config.energy.sampleIntervalMs, wattsPerCore: config.energy.wattsPerCore });
    meter.onWarning((message) => events.emit({ type: 'warning', message }));
    await meter.start();
  }

  const useDashboard = shouldUseDashboard(config.dashboard, process.env, process.stdout);
  const requestStop = () => {
    control.stopRequested = true;
    screen?.markStopping();
  };
  // A frame costs about 7 ms of the training thread; two a second keep the screen live for ~1.5%.
  const screen = useDashboard ? mountDashboard(events, { onStopRequested: requestStop, refreshIntervalMs: 500 }) : null;
  if (!screen) createPlainLogger(events, write);
  let interrupts = 0;
  let firstSignalAt = 0;
  let stopSignal: TrainResult['stopSignal'] = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    interrupts++;
    // A terminal's Ctrl-C reaches every process of its group, and `bench` passes it on to its runs
    // as well: signals within a second of the first count as that one.
    if (interrupts > 1) {
      if (Date.now() - firstSignalAt > SAME_SIGNAL_MS) process.exit(signal === 'SIGTERM' ? 143 : 130);
      return;
    }
    firstSignalAt = Date.now();
    stopSignal = signal;
    events.emit({ type: 'log', message: 'stopping after this step (interrupt again to abort)' });
    requestStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await train({
      config,
      dataset: loaded.dataset,
      selectorFactory,
      selectorPlugin: registry.pluginOf(config.selector),
      selector,
      backendName: backend.name,
      meter,
      events,
      runId: randomUUID(),
      control,
      resume: options.resume === true,
      dataSources: loaded.sources,
    });
    return { summary, stopSignal };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await screen?.unmount();
    if (meter !== options.meter) await meter?.stop();
  }
}
