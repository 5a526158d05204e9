import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError } from '@sieve/core';

/**
 * One reference model's cache folder:
 *
 *   model/                  the trained weights
 *   trained.json            what training cost (written last: the model is complete)
 *   embeddings/<K>/<k>/     shard k of K of the pool's scores (embeddings or losses),
 *                           done.json written last
 *
 * A process that embeds the whole pool writes one shard of one; K processes (`embed-reference
 * --shards K`) write one each. Readers take any complete set and join it in pool order, so the
 * cache key and the scores are the same either way.
 */
export const REFERENCE_CACHE_VERSION = 2;

/** Pool rows are embedded in chunks of this many; a shard starts on a chunk boundary, so its chunks are exactly those one process would compute. */
export const EMBEDDING_CHUNK = 2048;

export interface TrainedMeta {
  version: number;
  trainingFlops: number;
  trainingSeconds: number;
  /** Contrastive: the learnt temperature and bias, and the embedding width. */
  temperature?: number;
  bias?: number;
  dim?: number;
}

export interface ShardMeta {
  version: number;
  shard: number;
  shards: number;
  start: number;
  count: number;
  flops: number;
  seconds: number;
}

/** The pool's scores by file name, each `rowWidth` values per pool row. */
export type ScoreArrays = Record<string, Float32Array>;

/** Rows [start, start + count) of shard `shard` of `shards`: whole chunks, spread evenly. */
export function shardRange(poolCount: number, shard: number, shards: number): { start: number; count: number } {
  const chunks = Math.ceil(poolCount / EMBEDDING_CHUNK);
  if (!Number.isInteger(shards) || shards < 1 || shards > chunks) {
    throw new UserInputError('--shards', `must be 1 to ${chunks} for a pool of ${poolCount} (shards hold whole chunks of ${EMBEDDING_CHUNK} rows); got ${shards}.`);
  }
  const firstChunk = Math.floor((shard * chunks) / shards);
  const endChunk = Math.floor(((shard + 1) * chunks) / shards);
  const start = firstChunk * EMBEDDING_CHUNK;
  return { start, count: Math.min(endChunk * EMBEDDING_CHUNK, poolCount) - start };
}

/** Calls `work(start, count)` over rows [from, from + total) in chunks that bound memory, not results. */
export async function forEachChunk(from: number, total: number, work: (start: number, count: number) => Promise<void>): Promise<void> {
  for (let start = from; start < from + total; start += EMBEDDING_CHUNK) await work(start, Math.min(EMBEDDING_CHUNK, from + total - start));
}

export const modelDir = (dir: string) => join(dir, 'model');
export const trainedPath = (dir: string) => join(dir, 'trained.json');
const shardDir = (dir: string, shard: number, shards: number) => join(dir, 'embeddings', String(shards), String(shard));

/** What training the cached model cost, or null when no complete model is cached. */
export function readTrained(dir: string): TrainedMeta | null {
  try {
    const meta = JSON.parse(readFileSync(trainedPath(dir), 'utf8')) as TrainedMeta;
    return meta.version === REFERENCE_CACHE_VERSION ? meta : null;
  } catch {
    return null;
  }
}

/** Saves the trained model (into a staging folder renamed into place), then trained.json. */
export async function writeTrained(dir: string, meta: TrainedMeta, saveModel: (dir: string) => Promise<void>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const staging = `${modelDir(dir)}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await saveModel(staging);
  await rm(modelDir(dir), { recursive: true, force: true });
  await rename(staging, modelDir(dir));
  await writeFileAtomic(trainedPath(dir), `${JSON.stringify(meta, null, 2)}\n`);
}

export function shardDone(dir: string, shard: number, shards: number): boolean {
  return existsSync(join(shardDir(dir, shard, shards), 'done.json'));
}

/** Writes one shard's arrays into a staging folder, its done.json last, and renames it into place. */
export async function writeShard(dir: string, meta: ShardMeta, arrays: ScoreArrays): Promise<void> {
  const target = shardDir(dir, meta.shard, meta.shards);
  const staging = `${target}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const [name, values] of Object.entries(arrays)) {
    await writeFile(join(staging, name), Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  }
  await writeFileAtomic(join(staging, 'done.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
}

/**
 * The pool's scores joined from the first complete set of shards (fewest shards first), with
 * their summed cost; null when no set is complete or a file has the wrong size.
 */
export async function readShards(
  dir: string,
  poolCount: number,
  files: Record<string, number>,
): Promise<{ arrays: ScoreArrays; flops: number; seconds: number; shards: number } | null> {
  const root = join(dir, 'embeddings');
  if (!existsSync(root)) return null;
  const counts = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
  for (const shards of counts) {
    const metas: ShardMeta[] = [];
    for (let shard = 0; shard < shards; shard++) {
      try {
        const meta = JSON.parse(readFileSync(join(shardDir(dir, shard, shards), 'done.json'), 'utf8')) as ShardMeta;
        const expected = shardRange(poolCount, shard, shards);
        if (meta.version === REFERENCE_CACHE_VERSION && meta.start === expected.start && meta.count === expected.count) metas.push(meta);
      } catch {
        break; // this shard is not done (or not readable): the set is incomplete
      }
    }
    if (metas.length !== shards) continue;
    const arrays: ScoreArrays = {};
    let whole = true;
    for (const [name, rowWidth] of Object.entries(files)) {
      const joined = new Float32Array(poolCount * rowWidth);
      for (const meta of metas) {
        // Read straight into the joined array: a million-row pool's embeddings are 128 MB a file,
        // and a copy through a file buffer would hold them twice.
        const file = join(shardDir(dir, meta.shard, shards), name);
        const expectedBytes = meta.count * rowWidth * 4;
        if (statSync(file, { throwIfNoEntry: false })?.size !== expectedBytes) {
          whole = false;
          break;
        }
        readInto(file, new Uint8Array(joined.buffer, meta.start * rowWidth * 4, expectedBytes));
      }
      if (!whole) break;
      arrays[name] = joined;
    }
    if (!whole) continue;
    return { arrays, flops: metas.reduce((sum, m) => sum + m.flops, 0), seconds: metas.reduce((sum, m) => sum + m.seconds, 0), shards };
  }
  return null;
}

/** Reads the whole of `file` into `target` (which has its size). */
function readInto(file: string, target: Uint8Array): void {
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; at < target.length; ) {
      const read = readSync(fd, target, at, target.length - at, at);
      if (read === 0) throw new Error(`${file} ended at byte ${at} of ${target.length}`);
      at += read;
    }
  } finally {
    closeSync(fd);
  }
}
