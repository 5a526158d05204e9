import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { RUN_FILES, UserInputError, superBatchSizeOf, taskKindOf, type RunConfig, type RunConfigInput } from '@sieve/core';
import { checkpointDir, type SelectorRegistry } from '@sieve/engine';
import { resolveRunConfig } from '../run-config';
import { filesFlagsToConfig, type FilesFlags } from '../files/files-flags';
import { BENCH_PRESET_NAMES } from '../presets';
import type { EngineFlags } from '../slurm/engine-flags';
import { benchLayout, referenceJobName, runName, type BenchLayout } from './bench-layout';

export interface BenchFlags extends EngineFlags, FilesFlags {
  preset?: string;
  selectors?: string;
  seeds?: number;
  out?: string;
  task?: string;
  config?: string;
  /** Show where every job stands (and its Slurm state) instead of running anything. */
  status?: boolean;
}

/** What `bench.json` holds: enough to carry on the same bench, and to refuse a different one. */
export interface BenchSettings {
  version: 1;
  preset: string;
  task: string;
  selectors: string[];
  seeds: number[];
  /** The settings every run shares (those of the first run, with its selector and seed). */
  runConfig: RunConfig;
}

const SETTINGS_VERSION = 1;

/**
 * The bench's settings: from `bench.json` when `--out` already holds a bench (flags given again
 * must agree with it), else from the flags. Every selector and option is validated here, before
 * anything is trained or written.
 */
export function resolveBenchSettings(flags: BenchFlags, registry: SelectorRegistry, out: string): BenchSettings {
  const layout = benchLayout(out);
  const fresh = settingsFromFlags(flags, registry, layout);
  if (!existsSync(layout.settings)) return fresh;
  const saved = readSettings(layout.settings);
  const given: [flag: string, same: boolean][] = [
    ['--preset', flags.preset === undefined || flags.preset === saved.preset],
    ['--task', flags.task === undefined || flags.task === saved.task],
    ['--selectors', flags.selectors === undefined || fresh.selectors.join(',') === saved.selectors.join(',')],
    ['--seeds', flags.seeds === undefined || fresh.seeds.length === saved.seeds.length],
  ];
  const differing = given.filter(([, same]) => !same).map(([flag]) => flag);
  if (flags.config !== undefined && JSON.stringify(fresh.runConfig) !== JSON.stringify(saved.runConfig)) differing.push('--config');
  if (differing.length > 0) {
    throw new UserInputError(
      '--out',
      `${out} holds a bench started with other settings (${differing.join(', ')} differ from its bench.json); ` +
        'give the same flags (or only --out) to carry it on, or choose another --out.',
    );
  }
  // Selectors named in the saved settings must still be installed.
  for (const selector of saved.selectors) registry.get(selector);
  return saved;
}

function settingsFromFlags(flags: BenchFlags, registry: SelectorRegistry, layout: BenchLayout): BenchSettings {
  const preset = flags.preset ?? 'bench';
  if (!(BENCH_PRESET_NAMES as readonly string[]).includes(preset)) {
    throw new UserInputError('--preset', `bench takes the protocol's presets: ${BENCH_PRESET_NAMES.join(', ')}; got "${preset}".`);
  }
  const seedCount = flags.seeds ?? 3;
  if (!Number.isInteger(seedCount) || seedCount < 1) throw new UserInputError('--seeds', `must be a whole number above 0, got ${seedCount}.`);
  const files = filesFlagsToConfig(flags);
  const base = resolveRunConfig({
    preset,
    configFile: flags.config,
    flags: { task: (files ? 'files' : flags.task) as RunConfigInput['task'], out: layout.run('first'), ...(files ? { data: { files } } : {}) } as Partial<RunConfigInput>,
  });
  const selectors = selectorsOf(flags.selectors, registry);
  const firstSeed = base.seed;
  const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);
  const runConfig = runConfigFor(base, layout, selectors[0], seeds[0]);
  // Each selector checks its own options against the bench's sizes now, not after an hour.
  for (const selector of selectors) {
    registry.get(selector).create({
      task: taskKindOf(runConfig.task),
      batchSize: runConfig.batchSize,
      superBatchSize: superBatchSizeOf(runConfig.batchSize, runConfig.filterRatio),
      chunks: runConfig.chunks,
      seed: runConfig.seed,
      options: runConfig.selectorOptions,
    });
  }
  return { version: SETTINGS_VERSION, preset, task: runConfig.task, selectors, seeds, runConfig };
}

/** The baseline first, then every other selector in the registry's order (or the user's list). */
function selectorsOf(list: string | undefined, registry: SelectorRegistry): string[] {
  const names =
    list === undefined
      ? registry.factories.map((factory) => factory.name)
      : list
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '');
  if (names.length === 0) throw new UserInputError('--selectors', 'give at least one selector, e.g. --selectors uniform,jest.');
  const unique = [...new Set(names)];
  for (const name of unique) registry.get(name);
  if (!unique.includes('uniform')) {
    throw new UserInputError('--selectors', 'the protocol measures every selector against uniform; add uniform to --selectors.');
  }
  return ['uniform', ...unique.filter((name) => name !== 'uniform')];
}

function runConfigFor(base: RunConfig, layout: BenchLayout, selector: string, seed: number): RunConfig {
  return {
    ...base,
    selector,
    seed,
    out: layout.partialRun(runName(selector, seed)),
    dashboard: false,
    reference: { ...base.reference, cacheDir: layout.referenceCache },
  };
}

/** The settings of the bench in `layout`, as its bench.json holds them. */
export function readBenchSettings(layout: BenchLayout): BenchSettings {
  if (!existsSync(layout.settings)) throw new UserInputError('--out', `${layout.dir} holds no bench (no bench.json); give a folder written by nx run trainer:bench.`);
  return readSettings(layout.settings);
}

function readSettings(path: string): BenchSettings {
  try {
    const settings = JSON.parse(readFileSync(path, 'utf8')) as BenchSettings;
    if (settings.version !== SETTINGS_VERSION) throw new Error(`version ${settings.version}`);
    return settings;
  } catch (error) {
    throw new UserInputError(path, `is not a bench settings file this version can read (${(error as Error).message}); choose another --out.`);
  }
}

/** One process of the bench: a reference model's training, or one training run. */
export interface BenchJob {
  name: string;
  kind: 'reference' | 'run';
  seed: number;
  selector: string | null;
  /** Jobs that must have finished first. */
  dependsOn: string[];
  /** Learner steps (runs) or reference steps: the unit of progress and of the ETA. */
  steps: number;
  /** The finished run folder (runs) or the cost record (references). */
  output: string;
  /**
   * Where a run trains (`<output>.partial`), renamed to `output` once completed, so that a run
   * folder under its own name is always a whole run; null for references (their record is one file).
   */
  workDir: string | null;
  configFile: string;
  /** Where the job's output lines go. */
  log: string;
}

/**
 * The jobs of the bench, each seed's reference first: every run of a seed waits for its reference,
 * so that no run trains one of its own (and none is charged for it twice).
 */
export function benchJobs(settings: BenchSettings, layout: BenchLayout): BenchJob[] {
  const jobs: BenchJob[] = [];
  const base = settings.runConfig;
  for (const seed of settings.seeds) {
    jobs.push({
      name: referenceJobName(seed),
      kind: 'reference',
      seed,
      selector: null,
      dependsOn: [],
      steps: base.reference.steps,
      output: layout.referenceRecord(seed),
      workDir: null,
      configFile: layout.plan(referenceJobName(seed)),
      log: layout.log(referenceJobName(seed)),
    });
  }
  for (const seed of settings.seeds) {
    for (const selector of settings.selectors) {
      const name = runName(selector, seed);
      jobs.push({
        name,
        kind: 'run',
        seed,
        selector,
        dependsOn: [referenceJobName(seed)],
        steps: base.steps,
        output: layout.run(name),
        workDir: layout.partialRun(name),
        configFile: layout.plan(name),
        log: layout.log(name),
      });
    }
  }
  return jobs;
}

/**
 * Writes `bench.json`, every job's config file and the manifest: the jobs in order, so that an
 * engine can run one by its index (a Slurm array task) in a process of its own. Absolute paths:
 * the jobs run from the repository root.
 */
export async function writePlan(settings: BenchSettings, layout: BenchLayout, jobs: readonly BenchJob[]): Promise<void> {
  mkdirSync(resolve(layout.dir, 'plan'), { recursive: true });
  await writeFileAtomic(layout.settings, `${JSON.stringify(settings, null, 2)}\n`);
  for (const job of jobs) {
    const config = runConfigFor(settings.runConfig, layout, job.selector ?? settings.selectors[0], job.seed);
    await writeFileAtomic(job.configFile, `${JSON.stringify(config, null, 2)}\n`);
  }
  const manifest: BenchManifest = { version: MANIFEST_VERSION, jobs: [...jobs] };
  await writeFileAtomic(layout.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** `manifest.json`: the bench's jobs; a job's index in `jobs` is its Slurm array task id. */
export interface BenchManifest {
  version: 1;
  jobs: BenchJob[];
}

const MANIFEST_VERSION = 1;

/** The jobs of the bench in `dir`, as its manifest lists them. */
export function readManifest(dir: string): BenchJob[] {
  const path = benchLayout(dir).manifest;
  if (!existsSync(path)) throw new UserInputError('--bench', `${dir} holds no bench manifest (manifest.json); give a folder written by nx run trainer:bench.`);
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as BenchManifest;
    if (manifest.version !== MANIFEST_VERSION || !Array.isArray(manifest.jobs)) throw new Error(`version ${manifest.version}`);
    return manifest.jobs;
  } catch (error) {
    throw new UserInputError(path, `is not a bench manifest this version can read (${(error as Error).message}); run the bench command again to rewrite it.`);
  }
}

/** Where a job stands on disk: finished, resumable from a checkpoint, or to start from scratch. */
export type JobState = 'finished' | 'resumable' | 'fresh';

export function jobStateOnDisk(job: BenchJob): JobState {
  if (job.kind === 'reference' || job.workDir === null) return existsSync(job.output) ? 'finished' : 'fresh';
  if (isCompletedRun(job.output)) return 'finished';
  const checkpoint = checkpointDir(job.workDir);
  const hasCheckpoint = [checkpoint, `${checkpoint}.old`].some((dir) => existsSync(resolve(dir, 'state.json')));
  return existsSync(resolve(job.workDir, RUN_FILES.config)) && hasCheckpoint ? 'resumable' : 'fresh';
}

/** Whether `dir` holds a run whose summary says it completed. */
export function isCompletedRun(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(resolve(dir, RUN_FILES.summary), 'utf8')) as { status?: string }).status === 'completed';
  } catch {
    return false; // no summary yet, or a torn one
  }
}
