/**
 * The on-disk store of one prepared source: one folder, fixed-size records so that any row is one
 * read at a known offset.
 *
 *   manifest.json   what was prepared from what (written last: its presence marks a complete store)
 *   progress.json   during preparation only: how far it got, so an interrupted one resumes
 *   pixels.u8       count x (side x side x channels) bytes, row-major, channels interleaved
 *   records.jsonl   one line per record: { key, caption, score?, label?, tag? }
 *   words.json      every caption word with its count, most frequent first (for vocabularies)
 *   tokens-<id>.i32 count x maxTokens token ids under one vocabulary, written when first needed
 *   parts/<K>/      a sharded preparation's plan and logs, and its parts <k>/ (each a store of
 *                   its own with a journal.jsonl of every outcome), removed once merged
 */
import { join } from 'node:path';
import type { SkipReason, SourceFormat } from './sources';

export const STORE_VERSION = 1;

export const STORE_FILES = {
  manifest: 'manifest.json',
  progress: 'progress.json',
  pixels: 'pixels.u8',
  records: 'records.jsonl',
  words: 'words.json',
  journal: 'journal.jsonl',
} as const;

export const storeFile = (dir: string, name: keyof typeof STORE_FILES) => join(dir, STORE_FILES[name]);
export const tokensFile = (dir: string, vocabularyId: string, maxTokens: number) => join(dir, `tokens-${vocabularyId}-${maxTokens}.i32`);

/** Every reason a sample is left out of a store. */
export type StoreSkipReason = SkipReason | 'not-an-image' | 'undecodable-image' | 'empty-caption' | 'duplicate-key' | 'missing-score';

export interface SkipCount {
  count: number;
  /** Up to three keys, for the user to look at. */
  examples: string[];
}
export type SkipTally = Partial<Record<StoreSkipReason, SkipCount>>;

export interface PrepareOptions {
  imageSize: number;
  channels: 1 | 3;
  imageColumn?: string;
  captionColumn?: string;
  /** A metadata field (in `.json` or a list column) holding a per-example score the user already has. */
  scoreColumn?: string;
}

export interface FileStat {
  path: string;
  size: number;
  mtimeMs: number;
}

/** One line of records.jsonl. */
export interface StoredRecord {
  key: string;
  caption: string;
  score?: number;
  /** A class index from the metadata's `label` (or `class`), when it is an integer. */
  label?: number;
  /** A noise tag from the metadata's `tag` (the embedded task's exports carry one). */
  tag?: string;
}

export interface StoreManifest {
  version: typeof STORE_VERSION;
  source: { spec: string; format: SourceFormat; files: FileStat[] };
  options: PrepareOptions;
  /** Records in the store. */
  count: number;
  /** Samples read from the source, kept or skipped. */
  seen: number;
  skipped: SkipTally;
  /** Seconds the preparation took (all sessions of an interrupted one). */
  seconds: number;
}

export interface StoreProgress {
  version: typeof STORE_VERSION;
  /** The fingerprint the store is being prepared for; another one starts afresh. */
  fingerprint: string;
  count: number;
  seen: number;
  pixelsBytes: number;
  recordsBytes: number;
  skipped: SkipTally;
  seconds: number;
  /** Bytes of journal.jsonl saved (parts of a sharded preparation only). */
  journalBytes?: number;
}

export const recordBytesOf = (options: Pick<PrepareOptions, 'imageSize' | 'channels'>) =>
  options.imageSize * options.imageSize * options.channels;

export const skippedTotal = (tally: SkipTally) => Object.values(tally).reduce((sum, entry) => sum + (entry?.count ?? 0), 0);
