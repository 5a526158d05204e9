import { EstimateSource } from './estimate-source';
import { Meter, type SieveEnergyMeter } from './meter';
import { resolveMeterOptions, type MeterOptions, type ResolvedMeterOptions, type SourceName } from './meter-options';
import { NvidiaSmiSource } from './nvidia-smi-source';
import { NvmlSource } from './nvml-source';
import { RaplSource } from './rapl-source';
import type { EnergySourceDriver } from './source-driver';

/**
 * The energy meter for this machine. Bad options throw `UserInputError` here; after that the
 * meter never throws: `start()` probes every source and uses the best that works in each group
 * (GPU: nvml, nvidia-smi; CPU: rapl, estimate).
 *
 * @example
 * const meter = createEnergyMeter();
 * await meter.start();
 * meter.beginWindow('training');
 * // ... work ...
 * const { joules, joulesByDevice, measured, coverage } = meter.endWindow('training');
 * await meter.stop();
 */
export function createEnergyMeter(options: MeterOptions = {}): SieveEnergyMeter {
  const resolved = resolveMeterOptions(options);
  return new Meter(
    resolved.sources.map((name) => driverFor(name, resolved)),
    { sampleIntervalMs: resolved.sampleIntervalMs },
  );
}

function driverFor(name: SourceName, options: ResolvedMeterOptions): EnergySourceDriver {
  switch (name) {
    case 'estimate':
      return new EstimateSource(options.wattsPerCore);
    case 'rapl':
      return new RaplSource(options.powercapRoot);
    case 'nvml':
      return new NvmlSource(options.nvmlLibraryPath, options.sampleIntervalMs);
    case 'nvidia-smi':
      return new NvidiaSmiSource(options.nvidiaSmiPath, options.sampleIntervalMs);
  }
}
