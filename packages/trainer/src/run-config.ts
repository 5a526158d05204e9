import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runConfigSchema, UserInputError, type RunConfig, type RunConfigInput } from '@sieve/core';
import { configError } from './config-errors';
import { PRESETS, PRESET_NAMES, type PresetName } from './presets';

type PlainObject = Record<string, unknown>;

/** Resolves preset < config file < flags into one validated run configuration. */
export function resolveRunConfig(options: {
  preset?: string;
  configFile?: string;
  flags: Partial<RunConfigInput>;
}): RunConfig {
  const file = options.configFile ? readConfigFile(options.configFile) : {};
  // A config file may name its preset; a --preset flag wins.
  const presetName = presetOf(options.preset, file, options.configFile);
  delete file.preset;
  const preset = PRESETS[presetName] as PlainObject;
  const flags = options.flags as PlainObject;
  const merged = deepMerge(deepMerge(structuredClone(preset), file), flags);
  // The default folder names the resolved selector and seed, which the schema's defaults may supply.
  const defaultOut = merged.out === undefined;
  if (defaultOut) merged.out = 'runs/run';
  const parsed = runConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw configError(parsed.error, { flags, file: options.configFile ? { name: options.configFile, values: file } : undefined, preset: { name: presetName, values: preset } });
  }
  if (defaultOut) parsed.data.out = defaultOutDir(parsed.data);
  return parsed.data;
}

/** The preset named by --preset, else by the config file, else `default`; an unknown one names where it was given. */
function presetOf(flag: string | undefined, file: PlainObject, configFile: string | undefined): PresetName {
  const name = flag ?? file.preset ?? 'default';
  if (PRESET_NAMES.includes(name as PresetName)) return name as PresetName;
  const where = flag !== undefined ? '--preset' : `${configFile}: preset`;
  throw new UserInputError(where, `unknown preset ${JSON.stringify(name)}. Valid presets: ${PRESET_NAMES.join(', ')}.`);
}

/**
 * The settings of the run in `dir` (its config.json), to resume it. Only the screen and the
 * meter may be switched for the rest of the run.
 */
export function resumedRunConfig(dir: string, switches: { dashboard?: boolean; energy?: boolean; stallSeconds?: number }): RunConfig {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) {
    throw new UserInputError('--resume', `${dir} is not a run folder (no config.json); give the --out of the run to resume.`);
  }
  const summaryPath = join(dir, 'summary.json');
  if (existsSync(summaryPath) && (JSON.parse(readFileSync(summaryPath, 'utf8')) as { status?: string }).status === 'completed') {
    throw new UserInputError('--resume', `the run in ${dir} is already complete; nothing to resume.`);
  }
  const saved = readConfigFile(configPath, '--resume');
  const parsed = runConfigSchema.safeParse({ ...saved, out: dir });
  if (!parsed.success) throw configError(parsed.error, { file: { name: configPath, values: saved } });
  const config = parsed.data;
  if (switches.dashboard === false) config.dashboard = false;
  if (switches.energy === false) config.energy = { ...config.energy, enabled: false };
  if (switches.stallSeconds !== undefined) config.guards = { ...config.guards, stallSeconds: switches.stallSeconds };
  return config;
}

/** The settings object in a JSON or YAML file; `flag` is the flag that named the file. */
export function readConfigFile(path: string, flag = '--config'): PlainObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserInputError(flag, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  let value: unknown;
  try {
    value = ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new UserInputError(flag, `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML/JSON'}: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserInputError(flag, `${path} must hold an object of settings (e.g. { "steps": 500 }).`);
  }
  return value as PlainObject;
}

function defaultOutDir(config: RunConfig): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `runs/${stamp}-${config.selector}-seed${config.seed}`;
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
