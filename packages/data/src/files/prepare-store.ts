/**
 * Prepares one source into a store (see store-layout.ts) in a single streaming pass: every image
 * decoded once to the run's side and channels, every caption kept as text, bad samples tallied by
 * reason. The store's folder is named by a fingerprint of the source's files (paths, sizes, mtimes)
 * and the options, so a second run reuses it and a changed source or option prepares anew. Progress
 * is saved every few hundred records; an interrupted preparation resumes where it stopped.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import writeFileAtomic from 'write-file-atomic';
import { captionWords } from './caption-words';
import { decodeImage } from './decode-image';
import { forEachRecord } from './store-records';
import { STORE_VERSION, recordBytesOf, storeFile, type FileStat, type PrepareOptions, type StoreManifest, type StoreProgress, type StoredRecord } from './store-layout';
import { StoreWriter, resumableProgress, type Outcome } from './store-writer';
import { readSource, sourceFileStats, type RawSample, type ResolvedSource } from './sources';

/** Images decoded at once (libvips runs them on libuv's thread pool). */
const DECODES_IN_FLIGHT = 8;

export interface PreparedStore {
  dir: string;
  manifest: StoreManifest;
  /** False when the store was already there. */
  prepared: boolean;
}

export interface PrepareStoreOptions extends PrepareOptions {
  /** Stores live in `<cacheDir>/stores/<fingerprint>`. */
  cacheDir: string;
  /** The flag or config field that named the source, for messages. */
  field: string;
  log?: (line: string) => void;
}

/** Where a source's store lives: `<cacheDir>/stores/<fingerprint>`, the fingerprint of its files and options. */
export interface StoreLocation {
  dir: string;
  fingerprint: string;
  files: FileStat[];
  options: PrepareOptions;
}

export async function storeLocation(source: ResolvedSource, options: PrepareStoreOptions): Promise<StoreLocation> {
  const prepareOptions = prepareOptionsOf(options);
  const files = await sourceFileStats(source);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ version: STORE_VERSION, format: source.format, files, options: prepareOptions }))
    .digest('hex')
    .slice(0, 20);
  return { dir: join(options.cacheDir, 'stores', fingerprint), fingerprint, files, options: prepareOptions };
}

/** The manifest of a complete store, or null while there is none. */
export function readManifest(dir: string): StoreManifest | null {
  const file = storeFile(dir, 'manifest');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoreManifest) : null;
}

export async function prepareStore(source: ResolvedSource, options: PrepareStoreOptions): Promise<PreparedStore> {
  const location = await storeLocation(source, options);
  const existing = readManifest(location.dir);
  if (existing) return { dir: location.dir, manifest: existing, prepared: false };
  const pass = await preparePass(location.dir, location.fingerprint, source, options, { dedupe: true, journal: false });
  if (pass.count === 0) {
    rmSync(location.dir, { recursive: true, force: true });
    throw new Error(`no usable sample in ${source.spec}`); // replaced by the caller's UserInputError with the tally
  }
  return { dir: location.dir, manifest: await finishStore(location, source, pass), prepared: true };
}

/** What a pass left: the committed counts, the tally and the seconds it took (all sessions). */
export type PassResult = Pick<StoreProgress, 'count' | 'seen' | 'skipped' | 'seconds'>;

/**
 * One streaming pass over `source` into the store folder `dir`, resuming after the last save of an
 * earlier pass with the same fingerprint. `dedupe`: skip a key seen before (off for a shard's part,
 * whose duplicates are decided when the parts are merged); `journal`: write every outcome to
 * journal.jsonl for that merge.
 */
export async function preparePass(
  dir: string,
  fingerprint: string,
  source: ResolvedSource,
  options: PrepareStoreOptions,
  mode: { dedupe: boolean; journal: boolean },
): Promise<PassResult> {
  const prepareOptions = prepareOptionsOf(options);
  mkdirSync(dir, { recursive: true });
  const progress = resumableProgress(dir, fingerprint);
  const log = options.log ?? (() => {});
  if (progress.seen > 0) log(`${options.field}: resuming the preparation of ${source.spec} after ${progress.seen} samples`);
  const writer = new StoreWriter(dir, fingerprint, progress, recordBytesOf(prepareOptions), mode.journal);
  const started = performance.now();
  let lastLog = started;

  // Outcomes are committed in the source's order; decodes run ahead of the commits.
  const pending: Array<Promise<Outcome>> = [];
  const keys = mode.dedupe ? writer.keptKeys() : null;
  const commitHead = async () => {
    writer.commit(await pending.shift()!);
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      const rate = (writer.progress.seen - progress.seen) / ((lastLog - started) / 1000);
      log(`${options.field}: ${writer.progress.seen} samples read, ${writer.progress.count} kept (${rate.toFixed(0)}/s)`);
    }
  };
  let seen = 0;
  try {
    for await (const item of readSource(source, prepareOptions, options.field)) {
      seen++;
      if (seen <= progress.seen) continue;
      if ('skipped' in item) {
        pending.push(Promise.resolve({ skip: item.skipped.reason, key: item.skipped.key, beforeKey: true }));
      } else if (keys?.has(item.sample.key)) {
        pending.push(Promise.resolve({ skip: 'duplicate-key', key: item.sample.key }));
      } else {
        keys?.add(item.sample.key);
        pending.push(outcomeOf(item.sample, prepareOptions));
      }
      if (pending.length >= DECODES_IN_FLIGHT) await commitHead();
    }
    while (pending.length > 0) await commitHead();
  } catch (error) {
    writer.close();
    // Nothing saved to resume from (a list without the columns, a fault before the first save):
    // no half-made store is left behind.
    if (!existsSync(storeFile(dir, 'progress'))) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  writer.finish(progress.seconds + (performance.now() - started) / 1000);
  const { count, seen: committed, skipped, seconds } = writer.progress;
  return { count, seen: committed, skipped, seconds };
}

/** Completes a store whose records are all written: its word counts, then the manifest that marks it complete. */
export async function finishStore(location: StoreLocation, source: ResolvedSource, pass: PassResult): Promise<StoreManifest> {
  const manifest: StoreManifest = {
    version: STORE_VERSION,
    source: { spec: source.spec, format: source.format, files: location.files },
    options: location.options,
    count: pass.count,
    seen: pass.seen,
    skipped: pass.skipped,
    seconds: pass.seconds,
  };
  await writeWordCounts(location.dir);
  await writeFileAtomic(storeFile(location.dir, 'manifest'), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(storeFile(location.dir, 'progress'), { force: true });
  return manifest;
}

async function outcomeOf(sample: RawSample, options: PrepareOptions): Promise<Outcome> {
  const caption = sample.caption.trim();
  if (captionWords(caption).length === 0) return { skip: 'empty-caption', key: sample.key };
  const record: StoredRecord = { key: sample.key, caption };
  if (options.scoreColumn !== undefined) {
    const score = Number(sample.meta[options.scoreColumn]);
    if (sample.meta[options.scoreColumn] === null || sample.meta[options.scoreColumn] === '' || !Number.isFinite(score)) {
      return { skip: 'missing-score', key: sample.key };
    }
    record.score = score;
  }
  const label = sample.meta.label ?? sample.meta.class;
  if (typeof label === 'number' && Number.isInteger(label) && label >= 0) record.label = label;
  if (typeof sample.meta.tag === 'string') record.tag = sample.meta.tag;
  const decoded = await decodeImage(sample.image, options.imageSize, options.channels);
  return 'pixels' in decoded ? { record, pixels: decoded.pixels } : { skip: decoded.problem, key: sample.key };
}

function prepareOptionsOf(options: PrepareStoreOptions): PrepareOptions {
  const { imageSize, channels, imageColumn, captionColumn, scoreColumn } = options;
  return { imageSize, channels, imageColumn, captionColumn, scoreColumn };
}

/** words.json: every caption word of the store with its count, most frequent first, ties by word. */
async function writeWordCounts(dir: string): Promise<void> {
  const counts = new Map<string, number>();
  forEachRecord(storeFile(dir, 'records'), (record) => {
    for (const word of captionWords(record.caption)) counts.set(word, (counts.get(word) ?? 0) + 1);
  });
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  await writeFileAtomic(storeFile(dir, 'words'), JSON.stringify(sorted));
}
