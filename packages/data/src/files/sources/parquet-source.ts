/**
 * Reads a parquet file of images and captions with hyparquet, BATCH_ROWS rows at a time within
 * each row group so a large file is never all in memory. The image column is a Hugging Face
 * struct `{bytes, path}`, a plain binary column, or a text column of image file paths.
 */
import { basename, dirname } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { chooseColumns, PARQUET_COLUMNS } from './columns';
import type { ChosenColumns } from './columns';
import { readImageFile } from './image-file';
import type { ColumnOptions, SourceItem } from './types';

const BATCH_ROWS = 1024;
const utf8 = new TextDecoder('utf-8');

type ImageCell = { bytes: Uint8Array; path?: string } | { file: string } | null;

function imageCell(value: unknown): ImageCell {
  if (value instanceof Uint8Array) return { bytes: value };
  if (typeof value === 'string' && value !== '') return { file: value };
  if (typeof value !== 'object' || value === null) return null;
  const { bytes, path } = value as { bytes?: unknown; path?: unknown };
  if (!(bytes instanceof Uint8Array)) return null;
  const name = path instanceof Uint8Array ? utf8.decode(path) : path;
  return { bytes, path: typeof name === 'string' && name !== '' ? name : undefined };
}

function captionCell(value: unknown): string | null {
  if (value instanceof Uint8Array) return utf8.decode(value).trim();
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** JSON-friendly metadata: INT64 bigints become numbers when exact, else decimal strings. */
function metaValue(value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

async function* readRange(file: string, buffer: AsyncBuffer, metadata: FileMetaData, columns: ChosenColumns, rowStart: number, rowEnd: number, seen: Set<string>): AsyncGenerator<SourceItem> {
  const others = parquetSchema(metadata).children.map((child) => child.element.name).filter((name) => name !== columns.image);
  const common = { file: buffer, metadata, rowStart, rowEnd, compressors };
  const images = await parquetReadObjects({ ...common, columns: [columns.image], utf8: false });
  const rest = await parquetReadObjects({ ...common, columns: others });
  for (let i = 0; i < images.length; i++) {
    const index = rowStart + i;
    const origin = `${basename(file)} row ${index}`;
    const cell = imageCell(images[i][columns.image]);
    const named = cell && ('file' in cell ? cell.file : cell.path);
    const key = named && !seen.has(named) ? named : `row-${index}`;
    seen.add(key);
    if (!cell) {
      yield { skipped: { reason: 'missing-image', key, origin } };
      continue;
    }
    const caption = captionCell(rest[i][columns.caption]);
    if (caption === null) {
      yield { skipped: { reason: 'missing-caption', key, origin } };
      continue;
    }
    const image = 'file' in cell ? await readImageFile(cell.file, dirname(file)) : cell.bytes;
    if (!image) {
      yield { skipped: { reason: 'missing-file', key, origin } };
      continue;
    }
    const meta: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(rest[i])) if (name !== columns.caption) meta[name] = metaValue(value);
    yield { sample: { key, image, caption, meta, origin } };
  }
}

export async function* readParquet(file: string, options: ColumnOptions, field: string): AsyncGenerator<SourceItem> {
  const name = basename(file);
  let buffer: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch {
    yield { skipped: { reason: 'unreadable-shard', key: name, origin: name } };
    return;
  }
  const found = parquetSchema(metadata).children.map((child) => child.element.name);
  const columns = chooseColumns(found, PARQUET_COLUMNS, options, file, field);
  const seen = new Set<string>();
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    for (let start = groupStart; start < groupEnd; start += BATCH_ROWS) {
      const end = Math.min(start + BATCH_ROWS, groupEnd);
      try {
        yield* readRange(file, buffer, metadata, columns, start, end, seen);
      } catch {
        // Damage inside the file: what came before stands, the rest of the file is lost.
        yield { skipped: { reason: 'unreadable-shard', key: name, origin: `${name} row ${start}` } };
        return;
      }
    }
    groupStart = groupEnd;
  }
}
