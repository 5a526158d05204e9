/**
 * Writing a store (see store-layout.ts): records appended in the source's order, progress saved
 * every few hundred of them, the files cut back to the saved progress when a preparation resumes.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { readRecordLines } from './store-records';
import { STORE_VERSION, storeFile, type StoreProgress, type StoreSkipReason, type StoredRecord } from './store-layout';

/** Records committed between two saves of the progress file. */
const COMMIT_EVERY = 512;

/**
 * What became of one source item, committed in the source's order: a record, or a skip. `beforeKey`
 * marks a skip the reader decided before the sample had a key to deduplicate (a bad row, a
 * truncated tar), which a merge of shards must not deduplicate either.
 */
export type Outcome = { record: StoredRecord; pixels: Buffer } | { skip: StoreSkipReason; key: string; beforeKey?: boolean };

/** One line of a part's journal: `k` the key; `r` the skip reason (absent: kept); `x` a reader's skip. */
export interface JournalEntry {
  k: string;
  r?: StoreSkipReason;
  x?: 1;
}

function journalEntryOf(outcome: Outcome): JournalEntry {
  if ('record' in outcome) return { k: outcome.record.key };
  return outcome.beforeKey ? { k: outcome.key, r: outcome.skip, x: 1 } : { k: outcome.key, r: outcome.skip };
}

/** The progress of an interrupted preparation of this fingerprint, or a fresh start. */
export function resumableProgress(dir: string, fingerprint: string): StoreProgress {
  const fresh: StoreProgress = { version: STORE_VERSION, fingerprint, count: 0, seen: 0, pixelsBytes: 0, recordsBytes: 0, skipped: {}, seconds: 0 };
  try {
    const saved = JSON.parse(readFileSync(storeFile(dir, 'progress'), 'utf8')) as StoreProgress;
    return saved.version === STORE_VERSION && saved.fingerprint === fingerprint ? saved : fresh;
  } catch {
    return fresh;
  }
}

/** Appends records and saves progress; the files are cut back to the saved progress on opening. */
export class StoreWriter {
  private readonly pixelsFd: number;
  private readonly recordsFd: number;
  private readonly journalFd: number | null;
  private pixelChunks: Buffer[] = [];
  private recordLines: string[] = [];
  private journalLines: string[] = [];
  private closed = false;
  readonly progress: StoreProgress;

  constructor(
    private readonly dir: string,
    fingerprint: string,
    saved: StoreProgress,
    private readonly recordBytes: number,
    /** Also journal every outcome in order (a part of a sharded preparation; see sharded-prepare.ts). */
    journal = false,
  ) {
    this.progress = { ...saved, fingerprint, skipped: structuredClone(saved.skipped), journalBytes: saved.journalBytes ?? 0 };
    const open = (file: string, bytes: number) => {
      const fd = openSync(file, existsSync(file) ? 'r+' : 'w+');
      ftruncateSync(fd, bytes);
      return fd;
    };
    this.pixelsFd = open(storeFile(dir, 'pixels'), saved.pixelsBytes);
    this.recordsFd = open(storeFile(dir, 'records'), saved.recordsBytes);
    this.journalFd = journal ? open(storeFile(dir, 'journal'), this.progress.journalBytes!) : null;
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
    if (this.journalFd !== null) this.journalLines.push(`${JSON.stringify(journalEntryOf(outcome))}\n`);
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
    if (this.journalFd !== null) {
      const journal = Buffer.from(this.journalLines.join(''), 'utf8');
      writeSync(this.journalFd, journal, 0, journal.length, this.progress.journalBytes);
      this.progress.journalBytes! += journal.length;
    }
    this.pixelChunks = [];
    this.recordLines = [];
    this.journalLines = [];
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
    if (this.journalFd !== null) closeSync(this.journalFd);
  }
}
