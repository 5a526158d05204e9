import { RunEvents, type RunConfig } from '@sieve/core';
import { initBackend, type BackendInfo } from '@sieve/models';
import { loadDataset, type Dataset } from '@sieve/data';
import { PhaseLedger, modelSpecOf, referenceCacheKey } from '@sieve/engine';
import { createEnergyMeter, type SieveEnergyMeter } from '@sieve/energy';

/** What a process that trains or embeds a reference works with (the bench's reference job, an embedding task). */
export interface ReferenceSession {
  backend: BackendInfo;
  dataset: Dataset;
  spec: ReturnType<typeof modelSpecOf>;
  cacheKey: string;
  /** Running while `work` runs, when the config enables the meter. */
  meter: SieveEnergyMeter | null;
  ledger: PhaseLedger;
  /** Its log events are written out as lines. */
  events: RunEvents;
}

/**
 * Starts the backend, loads the data and the meter of `config`, and runs `work` with them; the
 * meter is stopped afterwards, also when `work` fails.
 */
export async function withReferenceSession<T>(config: RunConfig, write: (line: string) => void, work: (session: ReferenceSession) => Promise<T>): Promise<T> {
  const backend = await initBackend(config.backend);
  const { dataset, warnings } = await loadDataset(config, { log: write });
  for (const warning of warnings) write(`warning: ${warning}`);
  const spec = modelSpecOf(config, dataset);
  const cacheKey = referenceCacheKey(config, spec, dataset);
  const meter = config.energy.enabled ? createEnergyMeter({ sampleIntervalMs: config.energy.sampleIntervalMs, wattsPerCore: config.energy.wattsPerCore }) : null;
  await meter?.start();
  const events = new RunEvents();
  events.subscribe((event) => {
    if (event.type === 'log') write(event.message);
  });
  try {
    return await work({ backend, dataset, spec, cacheKey, meter, ledger: new PhaseLedger(meter), events });
  } finally {
    await meter?.stop();
  }
}
