import { randomUUID } from 'node:crypto';
import { checkSuperBatchFitsPool, superBatchSizeOf, taskKindOf, type EnergyMeter, type RunConfig, type RunEvents, type RunSummary } from '@sieve/core';
import { initBackend } from '@sieve/models';
import { loadDataset } from '@sieve/data';
import { loadSelectorRegistry, train, type LoopActivity } from '@sieve/engine';
import { createEnergyMeter } from '@sieve/energy';
import { checkOutDir, clearPreviousRun } from './out-dir';

export interface SessionOptions {
  overwrite: boolean;
  /** Carry on the run in `config.out` from its checkpoint (or from step 0 when it has none yet). */
  resume: boolean;
  /** Where plain lines go: the backend, the data, warnings before the run starts. */
  write: (line: string) => void;
  /** The run's events; the caller shows them (screen or plain lines). */
  events: RunEvents;
  /** Set `stopRequested` to finish the current step, write a point, a checkpoint and the summary. */
  control: { stopRequested: boolean };
  /** A meter that the caller has started and stops itself; by default the run makes its own from `config.energy`. */
  meter?: EnergyMeter;
  onActivity?: (activity: LoopActivity) => void;
}

/**
 * One training run in this thread: validates everything a user gave (selector and its settings,
 * output folder, data) before anything is written, then starts the meter and the training loop.
 * The command line runs this under a supervisor (see `supervisor/`); the GPU check calls it directly.
 */
export async function trainInProcess(config: RunConfig, options: SessionOptions): Promise<RunSummary> {
  const { write, events } = options;
  const registry = await loadSelectorRegistry(config.plugins);
  const selectorFactory = registry.get(config.selector);
  const superBatchSize = superBatchSizeOf(config.batchSize, config.filterRatio);
  const selector = selectorFactory.create({
    task: taskKindOf(config.task),
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
  // Before --overwrite clears the previous run: a setting that cannot run destroys nothing.
  checkSuperBatchFitsPool(superBatchSize, loaded.dataset.pool.count);
  if (options.overwrite) clearPreviousRun(config.out);

  let meter: EnergyMeter | null = options.meter ?? null;
  if (!meter && config.energy.enabled) {
    meter = createEnergyMeter({ sampleIntervalMs: config.energy.sampleIntervalMs, wattsPerCore: config.energy.wattsPerCore });
    meter.onWarning((message) => events.emit({ type: 'warning', message }));
    await meter.start();
  }
  try {
    return await train({
      config,
      dataset: loaded.dataset,
      selectorFactory,
      selectorPlugin: registry.pluginOf(config.selector),
      selector,
      backendName: backend.name,
      meter,
      events,
      runId: randomUUID(),
      control: options.control,
      resume: options.resume,
      dataSources: loaded.sources,
      onActivity: options.onActivity,
    });
  } finally {
    if (meter !== options.meter) await meter?.stop();
  }
}
