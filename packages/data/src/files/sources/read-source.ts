/**
 * Streams every sample of a resolved source in a fixed order (shards by name, rows in file
 * order), with skips in place of bad samples.
 */
import { basename, dirname } from 'node:path';
import { readList } from './list-source';
import { readParquet } from './parquet-source';
import type { ColumnOptions, ResolvedSource, SourceItem } from './types';
import { readShard } from './webdataset';

/** `shards/00001.tar`: the shard's folder name and file name. */
export function shardOrigin(file: string): string {
  return `${basename(dirname(file))}/${basename(file)}`;
}

export async function* readSource(source: ResolvedSource, options: ColumnOptions, field: string): AsyncIterable<SourceItem> {
  for (const file of source.files) {
    if (source.format === 'webdataset') yield* readShard(file, shardOrigin(file));
    else if (source.format === 'list') yield* readList(file, options, field);
    else yield* readParquet(file, options, field);
  }
}
