export { createEnergyMeter } from './create-energy-meter';
export type { SieveEnergyMeter } from './meter';
export { resolveMeterOptions, SOURCE_NAMES, DEFAULT_SOURCES, type MeterOptions, type SourceName } from './meter-options';
export { probeAndSample, formatProbeReport, type ProbeReport } from './probe';
export { wattsPerBusyThread, describeThisCpu, type WattsPerCoreRule, type CpuDescription } from './watts-per-core';
export {
  parseNvidiaSmiCsv,
  parseNvidiaSmiCell,
  parseNvidiaSmiTimestamp,
  cellOf,
  numberOf,
  type NvidiaSmiTable,
  type NvidiaSmiValue,
  type NvidiaSmiColumn,
} from './nvidia-smi-csv';
export { replayTrace, formatReplayReport, type ReplayReport } from './replay-trace';
