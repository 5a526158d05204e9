/**
 * Prepares one source into a store (see store-layout.ts) in a single streaming pass: every image
 * decoded once to the run's side and channels, every caption kept as text, bad samples tallied by
 * reason. The store's folder is named by a fingerprint of the source's files (paths, sizes, mtimes)
 * and the options, so a second run reuses it and a changed source or option prepares anew. Progress
 * is saved every few hundred records; an interrupted preparation resumes where it stopped.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import writeFileAtomic from 'write-file-atomic';
import { captionWords } from './caption-words';
import { decodeImage } from './decode-image';
import { readRecordLines } from './store-records';
import {
  STORE_VERSION,
  recordBytesOf,
  storeFile,
  type PrepareOptions,
  type StoreManifest,
  type StoreProgress,
  type StoreSkipReason,
  type StoredRecord,
} from './store-layout';
import { readSource, sourceFileStats, type RawSample, type ResolvedSource } from './sources';

/** Records committed between two saves of the progress file. */
const COMMIT_EVERY = 512;
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

export async function prepareStore(source: ResolvedSource, options: PrepareStoreOptions): Promise<PreparedStore> {
  const prepareOptions = prepareOptionsOf(options);
  const files = await sourceFileStats(source);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ version: STORE_VERSION, format: source.format, files, options: prepareOptions }))
    .digest('hex')
    .slice(0, 20);
  const dir = join(options.cacheDir, 'stores', fingerprint);
  const manifestFile = storeFile(dir, 'manifest');
  if (existsSync(manifestFile)) {
    return { dir, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as StoreManifest, prepared: false };
  }
  mkdirSync(dir, { recursive: true });
  const progress = resumableProgress(dir, fingerprint);
  const log = options.log ?? (() => {});
  if (progress.seen > 0) log(`${options.field}: resuming the preparation of ${source.spec} after ${progress.seen} samples`);
  const writer = new StoreWriter(dir, fingerprint, progress, recordBytesOf(prepareOptions));
  const started = performance.now();
  let lastLog = started;

  // Outcomes are committed in the source's order; decodes run ahead of the commits.
  const pending: Array<Promise<Outcome>> = [];
  const keys = writer.keptKeys();
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
        pending.push(Promise.resolve({ skip: item.skipped.reason, key: item.skipped.key }));
      } else if (keys.has(item.sample.key)) {
        pending.push(Promise.resolve({ skip: 'duplicate-key', key: item.sample.key }));
      } else {
        keys.add(item.sample.key);
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
  const seconds = progress.seconds + (performance.now() - started) / 1000;
  writer.finish(seconds);
  if (writer.progress.count === 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`no usable sample in ${source.spec}`); // replaced by the caller's UserInputError with the tally
  }
  const manifest: StoreManifest = {
    version: STORE_VERSION,
    source: { spec: source.spec, format: source.format, files },
    options: prepareOptions,
    count: writer.progress.count,
    seen: writer.progress.seen,
    skipped: writer.progress.skipped,
    seconds,
  };
  await writeWordCounts(dir);
  await writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(storeFile(dir, 'progress'), { force: true });
  return { dir, manifest, prepared: true };
}

type Outcome = { record: StoredRecord; pixels: Buffer } | { skip: StoreSkipReason; key: string };

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

/** The progress of an interrupted preparation of this fingerprint, or a fresh start. */
function resumableProgress(dir: string, fingerprint: string): StoreProgress {
  const fresh: StoreProgress = { version: STORE_VERSION, fingerprint, count: 0, seen: 0, pixelsBytes: 0, recordsBytes: 0, skipped: {}, seconds: 0 };
  try {
    const saved = JSON.parse(readFileSync(storeFile(dir, 'progress'), 'utf8')) as StoreProgress;
    return saved.version === STORE_VERSION && saved.fingerprint === fingerprint ? saved : fresh;
  } catch {
    return fresh;
  }
}

/** Appends records and saves progress; the files are cut back to the saved progress on opening. */
class StoreWriter {
  private readonly pixelsFd: number;
  private readonly recordsFd: number;
  private pixelChunks: Buffer[] = [];
  private recordLines: string[] = [];
  private closed = false;
  readonly progress: StoreProgress;

  constructor(
    private readonly dir: string,
    fingerprint: string,
    saved: StoreProgress,
    private readonly recordBytes: number,
  ) {
    this.progress = { ...saved, fingerprint, skipped: structuredClone(saved.skipped) };
    this.pixelsFd = openSync(storeFile(dir, 'pixels'), existsSync(storeFile(dir, 'pixels')) ? 'r+' : 'w+');
    this.recordsFd = openSync(storeFile(dir, 'records'), existsSync(storeFile(dir, 'records')) ? 'r+' : 'w+');
    ftruncateSync(this.pixelsFd, saved.pixelsBytes);
    ftruncateSync(this.recordsFd, saved.recordsBytes);
  }

  /** Keys of the records already committed (a resumed preparation must not keep them twice). */
  keptKeys(): Set<string> {
    const keys = new Set<string>();
    if (this.progress.recordsBytes > 0) {
      for (const record of readRecordLines(readFileSync(storeFile(this.dir, 'records')).subarray(0, this.progress.recordsBytes))) keys.add(record.key);
    }
    return keys;
  }

  commit(outcome: Outcome): void {
    this.progress.seen++;
    if ('skip' in outcome) {
      const entry = (this.progress.skipped[outcome.skip] ??= { count: 0, examples: [] });
      entry.count++;
      if (entry.examples.length < 3) entry.examples.push(outcome.key);
    } else {
      if (outcome.pixels.length !== this.recordBytes) throw new Error(`record of ${outcome.pixels.length} bytes, expected ${this.recordBytes}`);
      this.pixelChunks.push(outcome.pixels);
      this.recordLines.push(`${JSON.stringify(outcome.record)}\n`);
      this.progress.count++;
    }
    if (this.pixelChunks.length >= COMMIT_EVERY) this.flush();
  }

  private flush(): void {
    const pixels = Buffer.concat(this.pixelChunks);
    const records = Buffer.from(this.recordLines.join(''), 'utf8');
    writeSync(this.pixelsFd, pixels, 0, pixels.length, this.progress.pixelsBytes);
    writeSync(this.recordsFd, records, 0, records.length, this.progress.recordsBytes);
    this.progress.pixelsBytes += pixels.length;
    this.progress.recordsBytes += records.length;
    this.pixelChunks = [];
    this.recordLines = [];
    writeFileAtomic.sync(storeFile(this.dir, 'progress'), JSON.stringify(this.progress));
  }

  finish(seconds: number): void {
    this.progress.seconds = seconds;
    this.flush();
    this.close();
  }

  /** Closes the files without saving what is not yet flushed (a failed preparation resumes from the last save). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.pixelsFd);
    closeSync(this.recordsFd);
  }
}

/** words.json: every caption word of the store with its count, most frequent first, ties by word. */
async function writeWordCounts(dir: string): Promise<void> {
  const counts = new Map<string, number>();
  for (const record of readRecordLines(readFileSync(storeFile(dir, 'records')))) {
    for (const word of captionWords(record.caption)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  await writeFileAtomic(storeFile(dir, 'words'), JSON.stringify(sorted));
}
