/**
 * Reads a CSV, TSV or JSONL list of image files and captions: each row names an image file
 * (relative to the list's folder) and a caption; every other column becomes metadata.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { isUserInputError, UserInputError } from '@sieve/core';
import { chooseColumns, LIST_COLUMNS } from './columns';
import type { ChosenColumns } from './columns';
import { csvValue } from './csv-records';
import { readImageFile } from './image-file';
import { listRows } from './list-rows';
import type { ColumnOptions, SourceItem } from './types';

/** A caption cell as text; null when absent or not text-like. */
export function captionText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

async function rowItem(values: Record<string, unknown>, columns: ChosenColumns, typed: boolean, folder: string, line: string): Promise<SourceItem> {
  const path = values[columns.image];
  if (typeof path !== 'string' || path.trim() === '') return { skipped: { reason: 'bad-row', key: line, origin: line } };
  const caption = captionText(values[columns.caption]);
  if (caption === null) return { skipped: { reason: 'missing-caption', key: path, origin: line } };
  const image = await readImageFile(path, folder);
  if (!image) return { skipped: { reason: 'missing-file', key: path, origin: line } };
  const meta: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name !== columns.image && name !== columns.caption) meta[name] = typed || typeof value !== 'string' ? value : csvValue(value);
  }
  return { sample: { key: path, image, caption, meta, origin: line } };
}

export async function* readList(file: string, options: ColumnOptions, field: string): AsyncGenerator<SourceItem> {
  const name = basename(file);
  const kind = extname(file).toLowerCase();
  if (!(await stat(file).catch(() => null))?.isFile()) {
    yield { skipped: { reason: 'unreadable-shard', key: name, origin: name } };
    return;
  }
  let columns: ChosenColumns | null = null;
  let sawHeader = false;
  try {
    for await (const row of listRows(file, kind)) {
      if ('header' in row) {
        columns = chooseColumns(row.header, LIST_COLUMNS, options, file, field);
        sawHeader = true;
      } else if ('bad' in row) {
        yield { skipped: { reason: 'bad-row', key: `${name} line ${row.line}`, origin: `${name} line ${row.line}` } };
      } else {
        columns ??= chooseColumns(Object.keys(row.values), LIST_COLUMNS, options, file, field);
        yield await rowItem(row.values, columns, kind === '.jsonl', dirname(file), `${name} line ${row.line}`);
      }
    }
  } catch (error) {
    if (isUserInputError(error)) throw error;
    yield { skipped: { reason: 'unreadable-shard', key: name, origin: name } };
    return;
  }
  if (kind !== '.jsonl' && !sawHeader) throw new UserInputError(field, `${file} is empty: a ${kind.slice(1).toUpperCase()} list needs a header row naming its columns`);
}
