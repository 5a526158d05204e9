import { UserInputError } from '@sieve/core';

export interface MeterOptions {
  /** How often power sources are sampled and counters read; default 100 ms. */
  sampleIntervalMs?: number;
  /** Watts per busy hardware thread for the `estimate` source; default from the CPU class (see watts-per-core.ts). */
  wattsPerCore?: number;
  /** Sources to try, in order of preference; default `['nvml', 'nvidia-smi', 'rapl', 'estimate']`. */
  sources?: string[];
  /** Default: env `SIEVE_NVML_LIBRARY`, else `libnvidia-ml.so.1`. */
  nvmlLibraryPath?: string;
  /** Default `/sys/class/powercap`. */
  powercapRoot?: string;
  /** Default `nvidia-smi` on PATH. */
  nvidiaSmiPath?: string;
}

export const SOURCE_NAMES = ['nvml', 'nvidia-smi', 'rapl', 'estimate'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];
export const DEFAULT_SOURCES: SourceName[] = ['nvml', 'nvidia-smi', 'rapl', 'estimate'];

export interface ResolvedMeterOptions {
  sampleIntervalMs: number;
  wattsPerCore: number | undefined;
  sources: SourceName[];
  nvmlLibraryPath: string;
  powercapRoot: string;
  nvidiaSmiPath: string;
}

/** Fills in defaults and checks every option; bad ones throw `UserInputError` naming the option and the fix. */
export function resolveMeterOptions(options: MeterOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedMeterOptions {
  const sampleIntervalMs = options.sampleIntervalMs ?? 100;
  if (!Number.isInteger(sampleIntervalMs) || sampleIntervalMs < 10 || sampleIntervalMs > 60_000) {
    throw new UserInputError(
      'energy.sampleIntervalMs',
      `must be a whole number of milliseconds from 10 to 60000, got ${String(options.sampleIntervalMs)}; 100 is a good default`,
    );
  }
  const wattsPerCore = options.wattsPerCore;
  if (wattsPerCore !== undefined && !(Number.isFinite(wattsPerCore) && wattsPerCore > 0 && wattsPerCore <= 1000)) {
    throw new UserInputError(
      'energy.wattsPerCore',
      `must be a number of watts above 0 and at most 1000, got ${String(wattsPerCore)}; leave it unset to use the CPU's class`,
    );
  }
  const sources = resolveSources(options.sources);
  return {
    sampleIntervalMs,
    wattsPerCore,
    sources,
    nvmlLibraryPath: options.nvmlLibraryPath ?? (env.SIEVE_NVML_LIBRARY || 'libnvidia-ml.so.1'),
    powercapRoot: options.powercapRoot ?? '/sys/class/powercap',
    nvidiaSmiPath: options.nvidiaSmiPath ?? 'nvidia-smi',
  };
}

function resolveSources(sources: string[] | undefined): SourceName[] {
  if (sources === undefined) return [...DEFAULT_SOURCES];
  const known = SOURCE_NAMES as readonly string[];
  if (sources.length === 0) {
    throw new UserInputError('energy.sources', `is empty; list one or more of ${SOURCE_NAMES.join(', ')}`);
  }
  for (const name of sources) {
    if (!known.includes(name)) {
      throw new UserInputError('energy.sources', `unknown source "${name}"; choose from ${SOURCE_NAMES.join(', ')}`);
    }
  }
  if (new Set(sources).size !== sources.length) {
    throw new UserInputError('energy.sources', `lists a source twice (${sources.join(', ')}); list each once, best first`);
  }
  return sources as SourceName[];
}
