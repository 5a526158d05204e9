/**
 * A source's store prepared in K tasks (processes here, or a Slurm array): task k prepares its
 * share of the source's files (a contiguous run of tar shards) into a part, a store of its own
 * that journals every outcome in order and leaves duplicates undecided; the merge then replays
 * the journals in the source's order, deciding duplicates as one process would, so the store is
 * byte for byte the one a single process writes (its manifest's seconds aside).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError } from '@sieve/core';
import { readRecordLines } from './store-records';
import { recordBytesOf, storeFile, type StoreManifest } from './store-layout';
import { StoreWriter, resumableProgress, type JournalEntry } from './store-writer';
import { finishStore, preparePass, readManifest, type PassResult, type PrepareStoreOptions, type StoreLocation } from './prepare-store';
import type { ResolvedSource } from './sources';

/** Everything a part or the merge needs, written once by whoever starts the preparation. */
export interface ShardedPreparation {
  version: 1;
  source: ResolvedSource;
  location: StoreLocation;
  options: PrepareStoreOptions;
  shards: number;
}

export const partsDir = (storeDir: string, shards: number) => join(storeDir, 'parts', String(shards));
export const partDir = (storeDir: string, shards: number, part: number) => join(partsDir(storeDir, shards), String(part));
export const preparationPlanFile = (storeDir: string, shards: number) => join(partsDir(storeDir, shards), 'plan.json');
const partDoneFile = (dir: string) => join(dir, 'done.json');

/** Part k's files: the k-th of K contiguous runs of the source's files, as even as whole files allow. */
export function partSource(source: ResolvedSource, part: number, shards: number): ResolvedSource {
  const from = Math.floor((part * source.files.length) / shards);
  const to = Math.floor(((part + 1) * source.files.length) / shards);
  return { ...source, files: source.files.slice(from, to) };
}

/** Refuses a shard count the source's files cannot fill (each part needs at least one file). */
export function checkShardCount(source: ResolvedSource, shards: number, field: string): void {
  if (!Number.isInteger(shards) || shards < 1) throw new UserInputError(field, `must be a whole number above 0, got ${shards}.`);
  if (shards > source.files.length) {
    throw new UserInputError(
      field,
      `${source.spec} is ${source.files.length} file${source.files.length === 1 ? '' : 's'}, and each task prepares whole files; give at most ${source.files.length} shards${source.format === 'webdataset' ? '' : ' (a list or Parquet file is prepared by one task)'}.`,
    );
  }
}

export async function writePreparationPlan(plan: ShardedPreparation): Promise<string> {
  const file = preparationPlanFile(plan.location.dir, plan.shards);
  mkdirSync(partsDir(plan.location.dir, plan.shards), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`);
  return file;
}

export function readPreparationPlan(file: string): ShardedPreparation {
  if (!existsSync(file)) throw new UserInputError('--plan', `${file} does not exist; prepare writes it, give the path it printed.`);
  const plan = JSON.parse(readFileSync(file, 'utf8')) as ShardedPreparation;
  if (plan.version !== 1) throw new UserInputError(file, `is a plan of another version (${plan.version}); run prepare again.`);
  return plan;
}

/** Whether part k is complete (its done marker written). */
export function partDone(plan: ShardedPreparation, part: number): boolean {
  return existsSync(partDoneFile(partDir(plan.location.dir, plan.shards, part)));
}

/** Prepares part k (resuming an interrupted one); a part already done is left as it is. */
export async function preparePart(plan: ShardedPreparation, part: number): Promise<PassResult> {
  const dir = partDir(plan.location.dir, plan.shards, part);
  if (partDone(plan, part)) return JSON.parse(readFileSync(partDoneFile(dir), 'utf8')) as PassResult;
  const source = partSource(plan.source, part, plan.shards);
  const result = await preparePass(dir, `${plan.location.fingerprint}/${plan.shards}/${part}`, source, plan.options, { dedupe: false, journal: true });
  await writeFileAtomic(partDoneFile(dir), `${JSON.stringify(result)}\n`);
  return result;
}

/**
 * Replays every part's journal in order into the store: a sample's key seen before (in any part)
 * is a duplicate, whatever became of the first; a kept record's pixels and line are copied. Then
 * the store is finished as one process finishes it, and the parts are removed.
 */
export async function mergeParts(plan: ShardedPreparation): Promise<StoreManifest> {
  const existing = readManifest(plan.location.dir);
  if (existing) return existing;
  const missing = Array.from({ length: plan.shards }, (_, part) => part).filter((part) => !partDone(plan, part));
  if (missing.length > 0) throw new Error(`parts ${missing.join(', ')} of ${plan.shards} are not prepared yet`);
  const { dir, fingerprint } = plan.location;
  const recordBytes = recordBytesOf(plan.location.options);
  // A merge is quick; an interrupted one starts over rather than resuming.
  rmSync(storeFile(dir, 'progress'), { force: true });
  const writer = new StoreWriter(dir, fingerprint, resumableProgress(dir, `${fingerprint}/merge`), recordBytes);
  const keys = new Set<string>();
  let seconds = 0;
  for (let part = 0; part < plan.shards; part++) {
    const from = partDir(dir, plan.shards, part);
    seconds += (JSON.parse(readFileSync(partDoneFile(from), 'utf8')) as PassResult).seconds;
    const records = readRecordLines(readFileSync(storeFile(from, 'records')));
    const pixels = openSync(storeFile(from, 'pixels'), 'r');
    try {
      for (const entry of readJournal(from)) {
        const kept = entry.r === undefined;
        const record = kept ? records.next().value! : null;
        const bytes = kept ? readRecord(pixels, recordBytes) : null;
        if (entry.x === 1) writer.commit({ skip: entry.r!, key: entry.k, beforeKey: true });
        else if (keys.has(entry.k)) writer.commit({ skip: 'duplicate-key', key: entry.k });
        else {
          keys.add(entry.k);
          writer.commit(kept ? { record: record!, pixels: bytes! } : { skip: entry.r!, key: entry.k });
        }
      }
    } finally {
      closeSync(pixels);
    }
  }
  writer.finish(seconds);
  if (writer.progress.count === 0) throw new Error(`no usable sample in ${plan.source.spec}`);
  const { count, seen, skipped } = writer.progress;
  const manifest = await finishStore(plan.location, plan.source, { count, seen, skipped, seconds });
  // The parts' data goes; the plan and the logs beside them stay.
  for (let part = 0; part < plan.shards; part++) rmSync(partDir(dir, plan.shards, part), { recursive: true, force: true });
  return manifest;
}

function* readJournal(dir: string): Generator<JournalEntry> {
  const text = readFileSync(storeFile(dir, 'journal'), 'utf8');
  for (const line of text.split('\n')) if (line !== '') yield JSON.parse(line) as JournalEntry;
}

/** The next record's pixels from a part's pixels.u8, read in order (the file position advances). */
function readRecord(fd: number, bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  const read = readSync(fd, buffer, 0, bytes, null);
  if (read !== bytes) throw new Error(`a part's pixels ended early (${read} of ${bytes} bytes); prepare it again`);
  return buffer;
}
