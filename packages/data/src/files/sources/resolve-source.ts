/**
 * Turns what the user wrote for a data source into a format and an ordered list of absolute
 * files, or a UserInputError that names the path and says how to fix it.
 */
import { readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UserInputError } from '@sieve/core';
import { expandBraces, expandWildcards, hasBraces, hasWildcards } from './expand-pattern';
import type { ResolvedSource, SourceFormat } from './types';

const FORMS =
  'a .tar shard, a folder of .tar shards, a brace range or glob of shards (dir/{00000..00127}.tar, dir/*.tar), ' +
  'a .csv/.tsv/.jsonl list, a folder holding metadata.csv or metadata.jsonl, or a .parquet file';
const FORMAT_OF_EXTENSION: Record<string, SourceFormat> = { '.tar': 'webdataset', '.csv': 'list', '.tsv': 'list', '.jsonl': 'list', '.parquet': 'parquet' };
const METADATA_FILES = ['metadata.csv', 'metadata.jsonl'];

const isTar = (name: string) => name.toLowerCase().endsWith('.tar') && !name.startsWith('.');

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

function fileFormat(path: string, field: string): SourceFormat {
  const extension = extname(path).toLowerCase();
  const format = FORMAT_OF_EXTENSION[extension];
  if (format) return format;
  const hint = /\.(tar\.gz|tgz|tar\.zst)$/i.test(path) ? ' (decompress compressed shards to plain .tar first)' : '';
  throw new UserInputError(field, `${path} has an unknown extension '${extension || '(none)'}'${hint}: give ${FORMS}`);
}

async function resolvePattern(spec: string, absolute: string, field: string): Promise<ResolvedSource> {
  let files: string[];
  if (hasBraces(absolute)) {
    files = expandBraces(absolute);
    for (const file of files) {
      if (!(await statOrNull(file))) throw new UserInputError(field, `${spec} names ${file}, which does not exist: fix the range or add the shard`);
    }
  } else {
    if (hasWildcards(dirname(absolute))) throw new UserInputError(field, `${spec}: wildcards (* ?) work only in the file name, not in folder names`);
    if (!(await statOrNull(dirname(absolute)))?.isDirectory()) throw new UserInputError(field, `${spec}: the folder ${dirname(absolute)} does not exist`);
    files = await expandWildcards(absolute);
    if (files.length === 0) throw new UserInputError(field, `${spec} matches no file: check the folder and the pattern`);
  }
  files = [...new Set(files)].sort();
  if (files.length === 1 && !isTar(basename(files[0]))) return { spec, format: fileFormat(files[0], field), files };
  const other = files.find((file) => !isTar(basename(file)));
  if (other) throw new UserInputError(field, `${spec} matches ${other}, which is not a .tar shard: a pattern must match .tar shards only`);
  return { spec, format: 'webdataset', files };
}

async function resolveFolder(spec: string, folder: string, field: string): Promise<ResolvedSource> {
  const entries = await readdir(folder);
  const shards = entries.filter(isTar).sort();
  const metadata = METADATA_FILES.filter((name) => entries.includes(name));
  if (metadata.length > 1) {
    throw new UserInputError(field, `${folder} holds both ${metadata.join(' and ')}: keep one, or name the list file itself`);
  }
  if (metadata.length === 1 && shards.length > 0) {
    throw new UserInputError(field, `${folder} holds both ${metadata[0]} and .tar shards (${shards[0]}...): name ${join(folder, metadata[0])} or a shard pattern such as ${join(folder, '*.tar')}`);
  }
  if (metadata.length === 1) return { spec, format: 'list', files: [join(folder, metadata[0])] };
  if (shards.length > 0) return { spec, format: 'webdataset', files: shards.map((name) => join(folder, name)) };
  throw new UserInputError(field, `${folder} holds neither .tar shards nor metadata.csv/metadata.jsonl: give ${FORMS}`);
}

export async function resolveSource(spec: string, field: string): Promise<ResolvedSource> {
  if (spec.trim() === '') throw new UserInputError(field, `no data source given: give ${FORMS}`);
  const absolute = resolve(process.cwd(), spec);
  if (hasBraces(absolute) || (hasWildcards(absolute) && !(await statOrNull(absolute)))) return resolvePattern(spec, absolute, field);
  const stats = await statOrNull(absolute);
  if (!stats) throw new UserInputError(field, `${absolute} does not exist: check the path (relative paths start at ${process.cwd()})`);
  if (stats.isDirectory()) return resolveFolder(spec, absolute, field);
  return { spec, format: fileFormat(absolute, field), files: [absolute] };
}
