export { createEnergyMeter } from './create-energy-meter';
export type { SieveEnergyMeter } from './meter';
export { resolveMeterOptions, SOURCE_NAMES, DEFAULT_SOURCES, type MeterOptions, type SourceName } from './meter-options';
export { wattsPerBusyThread, type WattsPerCoreRule, type CpuDescription } from './watts-per-core';
export { probeAndSample, formatProbeReport, type ProbeReport } from './probe';
