/**
 * The shapes shared by the source readers: what a resolved source is, what one raw image-text
 * sample looks like, and why a sample can be skipped instead.
 */
export type SourceFormat = 'webdataset' | 'list' | 'parquet';

export interface ResolvedSource {
  /** What the user wrote. */
  spec: string;
  format: SourceFormat;
  /** Absolute paths of the files read, in reading order (tar shards sorted by name; one list file; one parquet file). */
  files: string[];
}

export interface ColumnOptions {
  imageColumn?: string;
  captionColumn?: string;
}

export interface RawSample {
  /** Unique key within the source: the tar member's key, a list row's image path as written, a parquet row's image path or `row-<index>`. */
  key: string;
  /** Encoded image bytes (jpeg/png/webp/gif/...), not decoded. */
  image: Uint8Array;
  /** The caption as written (trimmed); may be ''. */
  caption: string;
  /** The parsed `KEY.json` object for webdataset; every other column of the row for lists and parquet. */
  meta: Record<string, unknown>;
  /** Where it came from for messages, e.g. `shards/00001.tar` or `list.csv line 7`. */
  origin: string;
}

export type SkipReason =
  | 'missing-caption'
  | 'missing-image'
  | 'missing-file'
  | 'bad-row'
  | 'bad-metadata'
  | 'truncated-tar'
  | 'unreadable-shard';

export interface SkippedSample {
  reason: SkipReason;
  key: string;
  origin: string;
}

export type SourceItem = { sample: RawSample } | { skipped: SkippedSample };
