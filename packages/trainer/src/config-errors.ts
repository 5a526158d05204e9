/** Settings errors that name where each bad value came from: the flag, the config file and its field, or the preset. */
import type { z } from 'zod';
import { UserInputError } from '@sieve/core';
import { FILES_FLAG_OF_FIELD } from './files/files-flags';

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
  dashboard: '--no-dashboard',
  'data.images': '--images',
  'data.labels': '--labels',
  'data.classes': '--classes',
  'model.imageTower': '--image-tower',
  'evaluation.testLimit': '--test-limit',
  'reference.steps': '--reference-steps',
  'optimizer.learningRate': '--learning-rate',
  'energy.enabled': '--no-energy',
  'energy.wattsPerCore': '--watts-per-core',
  'energy.carbonIntensity': '--carbon-intensity',
  'guards.stallSeconds': '--stall-seconds',
};

/** The settings merged into a run's config, highest precedence first, each with the name it is known by. */
export interface ConfigLayers {
  flags?: PlainObject;
  /** A config file (`--config`, or a run's config.json), named as the user gave it. */
  file?: { name: string; values: PlainObject };
  preset?: { name: string; values: PlainObject };
}

/**
 * One error for every invalid setting, each on its own line with its source: the flag that gave it
 * (`--steps (steps)`), the file and its field (`settings.yaml: data.files.imageSize`), or the preset.
 */
export function configError(error: z.ZodError, layers: ConfigLayers): UserInputError {
  const found = error.issues.map((issue) => describeIssue(issue, layers));
  if (found.length === 1) return new UserInputError(found[0].where, found[0].problem);
  // What was wrong: the file, the flags, or both (`settings.yaml and flags`).
  const field = [...new Set(found.map((issue) => issue.source))].join(' and ');
  const lines = found.map((issue) => `  ${issue.where}: ${issue.problem}`);
  return new UserInputError(field, `${found.length} settings are invalid:\n${lines.join('\n')}`);
}

interface DescribedIssue {
  where: string;
  problem: string;
  /** The layer the value came from: the config file's name, `flags`, or the preset. */
  source: string;
}

function describeIssue(issue: z.core.$ZodIssue, layers: ConfigLayers): DescribedIssue {
  const path = issue.path.map(String);
  // An unknown key is reported on the object holding it; the key itself says where it came from.
  const valuePath = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]] : path;
  // The chunk count's divisibility involves the batch size: either may be the one the user gave.
  const related = issue.code === 'custom' && path.join('.') === 'chunks' ? [['batchSize']] : [];
  const source = sourceOf(valuePath, related, layers);
  const field = (issue.code === 'unrecognized_keys' || source.path === valuePath ? path : source.path).join('.');
  const labels: Record<Layer, string | undefined> = { flags: 'flags', file: layers.file?.name, preset: `preset "${layers.preset?.name}"` };
  const label = (source.layer && labels[source.layer]) ?? 'settings';
  // A flag is named as typed, with its field; a file or preset by its name and the field's path in it.
  const where = source.layer === 'flags' ? flagWhere(field) : source.layer === null ? field || label : [label, field].filter(Boolean).join(': ');
  return { where, problem: problemOf(issue, path.join('.'), source.value), source: label };
}

function flagWhere(field: string): string {
  const flag = FLAG_OF_FIELD[field] ?? FLAG_OF_FIELD[field.split('.')[0]];
  return flag ? `${flag} (${field})` : field;
}

type Layer = 'flags' | 'file' | 'preset';

interface Source {
  layer: Layer | null;
  path: string[];
  value: unknown;
}

/**
 * The layer whose value at `path` reached the merged config (flags over file over preset); when
 * that is no setting the user gave, a `related` one they did give is named instead.
 */
function sourceOf(path: string[], related: string[][], layers: ConfigLayers): Source {
  const [own, ...others] = [path, ...related].map((at) => layerOf(at, layers));
  const given = (source: Source) => source.layer === 'flags' || source.layer === 'file';
  return given(own) ? own : (others.find(given) ?? own);
}

function layerOf(path: string[], layers: ConfigLayers): Source {
  const ordered: [Layer, PlainObject | undefined][] = [
    ['flags', layers.flags],
    ['file', layers.file?.values],
    ['preset', layers.preset?.values],
  ];
  for (const [layer, values] of ordered) {
    const value = valueAt(values, path);
    if (value !== undefined) return { layer, path, value };
  }
  return { layer: null, path, value: undefined };
}

function valueAt(values: PlainObject | undefined, path: string[]): unknown {
  let at: unknown = values;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as PlainObject)[key];
  }
  return at;
}

/** The problem and its fix, in the words each field has always used. */
function problemOf(issue: z.core.$ZodIssue, field: string, value: unknown): string {
  if (issue.code === 'unrecognized_keys') return `unknown setting(s) ${issue.keys.join(', ')}; check the spelling against the README.`;
  const got = value === undefined || issue.code === 'custom' ? '' : ` (got ${JSON.stringify(value)})`;
  if (field === 'filterRatio') return `must be strictly between 0 and 1 (e.g. 0.8 keeps 1 in 5 candidates); ${issue.message}${got}`;
  if (['steps', 'batchSize', 'chunks', 'evalEvery'].includes(field) && issue.code !== 'custom') return `must be a whole number above 0; ${issue.message}${got}`;
  return `${issue.message}${got}`;
}
