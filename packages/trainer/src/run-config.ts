import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { runConfigSchema, UserInputError, type RunConfig, type RunConfigInput } from '@sieve/core';
import { FILES_FLAG_OF_FIELD } from './files/files-flags';
import { PRESETS, PRESET_NAMES, type PresetName } from './presets';

type PlainObject = Record<string, unknown>;

/** Where each config field comes from on the command line, for error messages. */
const FLAG_OF_FIELD: Record<string, string> = {
  ...FILES_FLAG_OF_FIELD,
  task: '--task',
  selector: '--selector',
  steps: '--steps',
  batchSize: '--train-batch-size',
  filterRatio: '--filter-ratio',
  chunks: '--chunks',
  seed: '--seed',
  evalEvery: '--eval-every',
  out: '--out',
  backend: '--backend',
  plugins: '--plugin',
  selectorOptions: '--selector-option',
  'data.images': '--images',
  'data.labels': '--labels',
  'data.classes': '--classes',
  'model.imageTower': '--image-tower',
  'evaluation.testLimit': '--test-limit',
  'energy.wattsPerCore': '--watts-per-core',
  'energy.carbonIntensity': '--carbon-intensity',
};

/** Resolves preset < config file < flags into one validated run configuration. */
export function resolveRunConfig(options: {
  preset?: string;
  configFile?: string;
  flags: Partial<RunConfigInput>;
}): RunConfig {
  const file = options.configFile ? readConfigFile(options.configFile) : {};
  // A config file may name its preset; a --preset flag wins.
  const presetName = options.preset ?? (typeof file.preset === 'string' ? file.preset : 'default');
  delete file.preset;
  if (!PRESET_NAMES.includes(presetName as PresetName)) {
    throw new UserInputError('--preset', `unknown preset "${presetName}". Valid presets: ${PRESET_NAMES.join(', ')}.`);
  }
  const preset = PRESETS[presetName as PresetName] as PlainObject;
  const merged = deepMerge(deepMerge(structuredClone(preset), file), options.flags as PlainObject);
  if (merged.out === undefined) merged.out = defaultOutDir(merged);
  const parsed = runConfigSchema.safeParse(merged);
  if (!parsed.success) throw userErrorFrom(parsed.error, options.configFile);
  return parsed.data;
}

/**
 * The settings of the run in `dir` (its config.json), to resume it. Only the screen and the
 * meter may be switched for the rest of the run.
 */
export function resumedRunConfig(dir: string, switches: { dashboard?: boolean; energy?: boolean }): RunConfig {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) {
    throw new UserInputError('--resume', `${dir} is not a run folder (no config.json); give the --out of the run to resume.`);
  }
  const summaryPath = join(dir, 'summary.json');
  if (existsSync(summaryPath) && (JSON.parse(readFileSync(summaryPath, 'utf8')) as { status?: string }).status === 'completed') {
    throw new UserInputError('--resume', `the run in ${dir} is already complete; nothing to resume.`);
  }
  const saved = readConfigFile(configPath);
  const parsed = runConfigSchema.safeParse({ ...saved, out: dir });
  if (!parsed.success) throw userErrorFrom(parsed.error, configPath);
  const config = parsed.data;
  if (switches.dashboard === false) config.dashboard = false;
  if (switches.energy === false) config.energy = { ...config.energy, enabled: false };
  return config;
}

export function readConfigFile(path: string): PlainObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserInputError('--config', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  let value: unknown;
  try {
    value = ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new UserInputError('--config', `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML/JSON'}: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserInputError('--config', `${path} must hold an object of settings (e.g. { "steps": 500 }).`);
  }
  return value as PlainObject;
}

function defaultOutDir(config: PlainObject): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `runs/${stamp}-${String(config.selector ?? 'run')}-seed${String(config.seed ?? 0)}`;
}

function userErrorFrom(error: z.ZodError, configFile: string | undefined): UserInputError {
  const issue = error.issues[0];
  const path = issue.path.map(String).join('.');
  const flag = FLAG_OF_FIELD[path] ?? FLAG_OF_FIELD[issue.path.slice(0, 1).map(String).join('.')];
  const field = flag ? `${flag} (${path})` : configFile ? `${configFile}: ${path || '(root)'}` : path || 'config';
  let problem = issue.message;
  if (issue.code === 'unrecognized_keys') problem = `unknown setting(s) ${issue.keys.join(', ')}; check the spelling against the README.`;
  if (path === 'filterRatio') problem = `must be strictly between 0 and 1 (e.g. 0.8 keeps 1 in 5 candidates); ${issue.message}`;
  if (['steps', 'batchSize', 'chunks', 'evalEvery'].includes(path) && issue.code !== 'custom') problem = `must be a whole number above 0; ${issue.message}`;
  return new UserInputError(field, problem);
}

/** Objects merge key by key; arrays and plain values from `overrides` replace. */
export function deepMerge(base: PlainObject, overrides: PlainObject): PlainObject {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const current = base[key];
    if (isPlainObject(value) && isPlainObject(current)) base[key] = deepMerge({ ...current }, value);
    else base[key] = value;
  }
  return base;
}

function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
