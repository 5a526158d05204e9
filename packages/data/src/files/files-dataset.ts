/**
 * Task `files`: the user's own image-text data. Each source (pool, and optionally reference and
 * test) is prepared once into a store on disk; the pool is then read from its store row by row
 * (`pool.rows`), while the reference and test sets, small by design, are held in memory. Without
 * a reference or test source, a seeded random fraction of the pool is held out for each.
 */
import { basename } from 'node:path';
import { Rng, UserInputError, type RunConfig } from '@sieve/core';
import { CAPTION_TAG_NAMES } from '../caption-noise';
import { SPLIT_SEED } from '../split';
import type { ContrastiveDataset } from '../types';
import { captionGroupsOf } from './caption-groups';
import { prepareStore, readManifest, type PreparedStore, type PrepareStoreOptions } from './prepare-store';
import { forEachRecord } from './store-records';
import { recordBytesOf, skippedTotal, storeFile, type SkipTally } from './store-layout';
import { StoreRows } from './store-rows';
import { builtVocabulary, encodeCaption, ensureTokenFile, idsOf, vocabularyFromFile, type StoreVocabulary } from './store-vocabulary';
import { resolveSource } from './sources';

/** The `files` settings with the data section's cache folder and class names. */
export type FilesDataConfig = NonNullable<RunConfig['data']['files']> & Pick<RunConfig['data'], 'cacheDir' | 'classes'>;

/** The `files` settings as the schema fills them in when a config names none. */
export function filesDataConfigOf(data: RunConfig['data']): FilesDataConfig {
  if (!data.files?.train) {
    throw new UserInputError('--train-data', 'task "files" needs a training pool: --train-data PATH (WebDataset shards, a CSV/TSV/JSONL list, an imagefolder or a .parquet file).');
  }
  return { ...data.files, cacheDir: data.cacheDir, classes: data.classes };
}

/** What preparing one source gave, for the run's log and summary. */
export interface SourcePreparation {
  role: 'train' | 'reference' | 'test';
  spec: string;
  store: string;
  records: number;
  seen: number;
  skipped: SkipTally;
  /** False when the store was reused from the cache. */
  prepared: boolean;
  seconds: number;
}

export interface FilesDataset {
  dataset: ContrastiveDataset;
  sources: SourcePreparation[];
  warnings: string[];
}

const FLAG_OF = { train: '--train-data', reference: '--reference-data', test: '--test-data' } as const;

/** How the source of `role` is prepared: the run's image settings and columns; the score column for the pool only. */
export function prepareOptionsFor(data: FilesDataConfig, role: SourcePreparation['role'], log: (line: string) => void): PrepareStoreOptions {
  return {
    cacheDir: data.cacheDir,
    field: FLAG_OF[role],
    imageSize: data.imageSize,
    channels: data.channels,
    imageColumn: data.imageColumn,
    captionColumn: data.captionColumn,
    scoreColumn: role === 'train' ? data.scoreColumn : undefined,
    log,
  };
}

/** Prepares (or reuses) every source's store; refuses a source with too many bad samples. */
export async function prepareFilesSources(data: FilesDataConfig, log: (line: string) => void): Promise<SourcePreparation[]> {
  const roles = (['train', 'reference', 'test'] as const).filter((role) => data[role] !== undefined);
  const resolved = [];
  // Every path is checked before anything is prepared.
  for (const role of roles) resolved.push({ role, source: await resolveSource(data[role]!, FLAG_OF[role]) });
  const preparations: SourcePreparation[] = [];
  for (const { role, source } of resolved) {
    let store: PreparedStore;
    try {
      store = await prepareStore(source, prepareOptionsFor(data, role, log));
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('no usable sample')) {
        throw new UserInputError(FLAG_OF[role], `${source.spec} holds no usable image-caption pair; check the path and the --image-column/--caption-column flags.`);
      }
      throw error;
    }
    const { manifest } = store;
    const preparation: SourcePreparation = {
      role,
      spec: source.spec,
      store: store.dir,
      records: manifest.count,
      seen: manifest.seen,
      skipped: manifest.skipped,
      prepared: store.prepared,
      seconds: manifest.seconds,
    };
    log(preparationLine(preparation));
    const bad = skippedTotal(manifest.skipped);
    if (bad > data.maxBadFraction * manifest.seen) {
      throw new UserInputError(
        FLAG_OF[role],
        `${bad} of ${manifest.seen} samples of ${source.spec} are bad (${tallyText(manifest.skipped)}), more than --max-bad-fraction ${data.maxBadFraction}; repair the data or raise --max-bad-fraction.`,
      );
    }
    preparations.push(preparation);
  }
  return preparations;
}

export async function loadFilesDataset(data: FilesDataConfig, log: (line: string) => void): Promise<FilesDataset> {
  const sources = await prepareFilesSources(data, log);
  const warnings: string[] = [];
  const storeOf = (role: SourcePreparation['role']) => sources.find((s) => s.role === role);
  const pool = storeOf('train')!;
  const vocabulary: StoreVocabulary = data.vocabulary
    ? vocabularyFromFile(data.vocabulary, '--vocabulary')
    : builtVocabulary(pool.store, data.vocabularySize);
  const pixels = recordBytesOf(data);
  const poolCount = readManifest(pool.store)!.count;

  // Held-out rows of the pool store, drawn with a fixed seed so every run seed sees the same split.
  const heldOutCount = (fraction: number | null) => (fraction === null ? 0 : Math.max(1, Math.round(fraction * poolCount)));
  const referenceCount = heldOutCount(storeOf('reference') ? null : data.referenceSplit);
  const testCount = heldOutCount(storeOf('test') ? null : data.testSplit);
  const drawn = new Rng(SPLIT_SEED).sampleWithoutReplacement(poolCount, referenceCount + testCount);
  const referenceRows = referenceCount > 0 ? drawn.subarray(0, referenceCount) : null;
  const testRows = testCount > 0 ? drawn.subarray(referenceCount) : null;
  if (referenceRows) warnings.push(`no --reference-data: the reference trains on ${referenceRows.length} examples held out of the pool; a noisy pool makes a weak reference, so give a small curated set where you have one.`);
  const heldOut = new Set([...(referenceRows ?? []), ...(testRows ?? [])]);
  const poolRowMap = new Int32Array(poolCount - heldOut.size);
  for (let row = 0, at = 0; row < poolCount; row++) if (!heldOut.has(row)) poolRowMap[at++] = row;
  if (poolRowMap.length < 2) throw new UserInputError('--train-data', `${pool.spec} leaves ${poolRowMap.length} examples for training after the held-out splits; give more data or --reference-data and --test-data.`);
  // One pass over the pool's records keeps a few bytes a row, and the captions of held-out rows only.
  const poolMeta = rowMetadata(pool.store, poolCount, heldOut);

  const inMemory = (source: SourcePreparation | undefined, rows: Int32Array | null) => {
    const store = source ?? pool;
    const meta = source ? rowMetadata(source.store, readManifest(source.store)!.count, null) : poolMeta;
    const rowMap = rows ? Int32Array.from(rows).sort() : Int32Array.from({ length: meta.labels.length }, (_, i) => i);
    const reader = new StoreRows(store.store, ensureTokenFile(store.store, vocabulary, data.maxTokens), pixels, data.maxTokens, rowMap);
    const images = new Float32Array(rowMap.length * pixels);
    const tokens = new Int32Array(rowMap.length * data.maxTokens);
    reader.read(Int32Array.from(rowMap.keys()), images, tokens);
    reader.close();
    return { count: rowMap.length, images, tokens, labels: Int32Array.from(rowMap, (row) => meta.labels[row]), captions: Array.from(rowMap, (row) => meta.captions.get(row)!) };
  };
  const reference = inMemory(storeOf('reference'), referenceRows);
  const test = inMemory(storeOf('test'), testRows);

  const { tagNames, tags } = poolMeta;
  const classNames = data.classes ?? [];
  const labelled = classNames.length > 0 && test.labels.every((label) => label >= 0 && label < classNames.length);
  if (classNames.length > 0 && !labelled) warnings.push(`--classes is set but not every test sample has a "label" below ${classNames.length} in its metadata: zero-shot accuracy is not reported.`);
  const ids = idsOf(vocabulary);
  const prompt = (name: string) => {
    const tokens = new Int32Array(data.maxTokens);
    encodeCaption(`a photo of a ${name}`, ids, data.maxTokens, tokens, 0);
    return tokens;
  };

  const poolRows = new StoreRows(pool.store, ensureTokenFile(pool.store, vocabulary, data.maxTokens), pixels, data.maxTokens, poolRowMap);
  const poolArrays = { images: new Float32Array(0), tokens: new Int32Array(0) };
  if (data.poolInMemory) {
    poolArrays.images = new Float32Array(poolRowMap.length * pixels);
    poolArrays.tokens = new Int32Array(poolRowMap.length * data.maxTokens);
    poolRows.read(Int32Array.from(poolRowMap.keys()), poolArrays.images, poolArrays.tokens);
    poolRows.close();
  }

  const dataset: ContrastiveDataset = {
    kind: 'contrastive',
    name: 'files',
    imageSide: data.imageSize,
    imageChannels: data.channels,
    classNames,
    vocabulary: vocabulary.words,
    maxTokens: data.maxTokens,
    pool: {
      count: poolRowMap.length,
      images: poolArrays.images,
      tokens: poolArrays.tokens,
      labels: Int32Array.from(poolRowMap, (row) => poolMeta.labels[row]),
      tagNames,
      tags: Uint8Array.from(poolRowMap, (row) => tags[row]),
      scores: data.scoreColumn ? Float32Array.from(poolRowMap, (row) => poolMeta.scores[row]) : undefined,
      rows: data.poolInMemory ? undefined : poolRows,
    },
    reference: { count: reference.count, images: reference.images, labels: reference.labels, tokens: reference.tokens },
    test: {
      count: test.count,
      images: test.images,
      labels: test.labels,
      concepts: new Int32Array(test.count),
      captioned: { tokens: test.tokens, captionGroups: captionGroupsOf(test.captions) },
    },
    zeroShot: { classPrompts: labelled ? classNames.map(prompt) : [], conceptPrompts: [], conceptNames: [] },
    droppedEntries: 0,
    contentId: [...sources.map((s) => basename(s.store)), vocabulary.id, data.maxTokens, data.referenceSplit, data.testSplit].join(':'),
  };
  return { dataset, sources, warnings };
}

/** One line per source: what it held and what was left out. */
export function preparationLine(p: SourcePreparation): string {
  const skipped = skippedTotal(p.skipped);
  return (
    `${FLAG_OF[p.role]} ${p.spec}: ${p.records} samples (${p.prepared ? `prepared in ${p.seconds.toFixed(1)} s` : 'from the store'})` +
    (skipped > 0 ? `, ${skipped} of ${p.seen} skipped: ${tallyText(p.skipped)}` : '')
  );
}

/** `undecodable-image 3 (a, b, c), empty-caption 1 (d)` */
export function tallyText(tally: SkipTally): string {
  return Object.entries(tally)
    .map(([reason, entry]) => `${reason} ${entry!.count} (${entry!.examples.join(', ')})`)
    .join(', ');
}

interface RowMetadata {
  labels: Int32Array;
  scores: Float32Array;
  /** The embedded task's noise tags when the metadata carries them (in its order), else one 'untagged'. */
  tagNames: string[];
  tags: Uint8Array;
  /** The captions of `captionRows` (every row when null). */
  captions: Map<number, string>;
}

/** Per row of a store: label (-1 without), score (NaN without), noise tag, and the captions asked for. */
function rowMetadata(store: string, count: number, captionRows: Set<number> | null): RowMetadata {
  const labels = new Int32Array(count);
  const scores = new Float32Array(count);
  const rawTags = new Uint16Array(count);
  const names = new Map<string, number>();
  const captions = new Map<number, string>();
  forEachRecord(storeFile(store, 'records'), (record, row) => {
    labels[row] = record.label ?? -1;
    scores[row] = record.score ?? Number.NaN;
    const name = record.tag ?? 'untagged';
    if (!names.has(name)) names.set(name, names.size);
    rawTags[row] = Math.min(names.get(name)!, 0xffff);
    if (captionRows === null || captionRows.has(row)) captions.set(row, record.caption);
  });
  const present = [...names.keys()];
  const known: readonly string[] = CAPTION_TAG_NAMES;
  const tagNames = present.every((t) => known.includes(t)) ? [...CAPTION_TAG_NAMES] : present.length > 255 ? ['untagged'] : [...present].sort();
  const indexOf = present.map((name) => Math.max(0, tagNames.indexOf(name)));
  return { labels, scores, tagNames, tags: Uint8Array.from(rawTags, (raw) => indexOf[raw]), captions };
}
