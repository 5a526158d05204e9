/**
 * Writes an in-memory task (the embedded fashion-captions) as the files users have: WebDataset tar
 * shards, a CSV list beside a folder of images, or Parquet with embedded image bytes. Each split
 * (train, reference, test) is its own source; each sample carries its class (`label`) and, in the
 * pool, its noise tag (`tag`) as metadata. The fixed vocabulary is written as `vocabulary.txt`, so
 * a run from the files can use the same token ids as the in-memory task.
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { loadSharp } from './load-sharp';
import { pack } from 'tar-stream';
import { parquetWriteFile } from 'hyparquet-writer';
import { stringify } from 'csv-stringify/sync';
import type { ContrastiveDataset } from '../types';

export const EXPORT_FORMATS = ['webdataset', 'csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** PNG encodes at once. */
const ENCODES_IN_FLIGHT = 8;
/** Samples per tar shard. */
const SHARD_SIZE = 1000;

interface ExportSample {
  key: string;
  png: Buffer;
  caption: string;
  meta: { label: number; class: string; tag?: string };
}

export interface ExportedTask {
  /** The three sources, to pass as --train-data, --reference-data and --test-data. */
  sources: { train: string; reference: string; test: string };
  vocabulary: string;
  samples: number;
}

export async function exportTask(dataset: ContrastiveDataset, format: ExportFormat, outDir: string): Promise<ExportedTask> {
  mkdirSync(outDir, { recursive: true });
  const vocabulary = join(outDir, 'vocabulary.txt');
  writeFileSync(vocabulary, `${dataset.vocabulary.join('\n')}\n`);
  const splits = {
    train: { ...dataset.pool, tagOf: (i: number) => dataset.pool.tagNames[dataset.pool.tags[i]] },
    reference: { ...dataset.reference, tagOf: () => undefined },
    // The embedded test set has concepts, not captions: each test image is captioned with its concept.
    test: { ...dataset.test, tokens: conceptCaptions(dataset), tagOf: () => undefined },
  };
  const sources = { train: '', reference: '', test: '' };
  let samples = 0;
  for (const [name, split] of Object.entries(splits) as Array<[keyof typeof splits, (typeof splits)[keyof typeof splits]]>) {
    if (split.images.length === 0) throw new Error(`the ${name} split is not in memory; export an embedded task`);
    // PNG encodes run on libuv's threads; a few in flight keep both cores busy, in order.
    const rows = async function* (): AsyncGenerator<ExportSample> {
      const inFlight: Array<Promise<ExportSample>> = [];
      for (let i = 0; i < split.count; i++) {
        inFlight.push(sampleOf(dataset, split, i, `${name}-${String(i).padStart(6, '0')}`));
        if (inFlight.length === ENCODES_IN_FLIGHT) yield await inFlight.shift()!;
      }
      while (inFlight.length > 0) yield await inFlight.shift()!;
    };
    sources[name] = await writers[format](outDir, name, rows());
    samples += split.count;
  }
  return { sources, vocabulary, samples };
}

/** Each test image's true caption: the first prompt of its class x brightness x size concept ("a dark photo of a small ankle boot"). */
function conceptCaptions(dataset: ContrastiveDataset): Int32Array {
  const { maxTokens } = dataset;
  const tokens = new Int32Array(dataset.test.count * maxTokens);
  dataset.test.concepts.forEach((concept, i) => tokens.set(dataset.zeroShot.conceptPrompts[concept].subarray(0, maxTokens), i * maxTokens));
  return tokens;
}

type SplitRows = { images: Float32Array; tokens: Int32Array; labels: Int32Array; count: number; tagOf: (i: number) => string | undefined };

async function sampleOf(dataset: ContrastiveDataset, split: SplitRows, i: number, key: string): Promise<ExportSample> {
  const side = dataset.imageSide;
  const channels = (dataset.imageChannels ?? 1) as 1 | 3;
  const pixels = side * side * channels;
  const bytes = Buffer.from(Array.from(split.images.subarray(i * pixels, (i + 1) * pixels), (v) => Math.round(v * 255)));
  const sharp = await loadSharp();
  const png = await sharp(bytes, { raw: { width: side, height: side, channels } }).png().toBuffer();
  const words: string[] = [];
  for (let t = 0; t < dataset.maxTokens; t++) {
    const id = split.tokens[i * dataset.maxTokens + t];
    if (id !== 0) words.push(dataset.vocabulary[id]);
  }
  const label = split.labels[i];
  const tag = split.tagOf(i);
  return { key, png, caption: words.join(' '), meta: { label, class: dataset.classNames[label], ...(tag ? { tag } : {}) } };
}

const writers: Record<ExportFormat, (outDir: string, split: string, samples: AsyncIterable<ExportSample>) => Promise<string>> = {
  /** `<split>/00000.tar` ...: KEY.png, KEY.txt, KEY.json per sample; the source is the folder. */
  async webdataset(outDir, split, samples) {
    const dir = join(outDir, split);
    mkdirSync(dir, { recursive: true });
    let shard = 0;
    let tar: ReturnType<typeof pack> | null = null;
    let written: Promise<void> | null = null;
    let inShard = 0;
    const close = async () => {
      tar?.finalize();
      await written;
    };
    for await (const sample of samples) {
      if (!tar || inShard === SHARD_SIZE) {
        await close();
        tar = pack();
        written = pipeline(tar, createWriteStream(join(dir, `${String(shard++).padStart(5, '0')}.tar`)));
        inShard = 0;
      }
      tar.entry({ name: `${sample.key}.png` }, sample.png);
      tar.entry({ name: `${sample.key}.txt` }, sample.caption);
      tar.entry({ name: `${sample.key}.json` }, JSON.stringify(sample.meta));
      inShard++;
    }
    await close();
    return dir;
  },
  /** `<split>.csv` (filepath, title, label, class, tag) beside `images/<split>/KEY.png`. */
  async csv(outDir, split, samples) {
    const imageDir = join(outDir, 'images', split);
    mkdirSync(imageDir, { recursive: true });
    const rows: unknown[][] = [['filepath', 'title', 'label', 'class', 'tag']];
    for await (const sample of samples) {
      writeFileSync(join(imageDir, `${sample.key}.png`), sample.png);
      rows.push([`images/${split}/${sample.key}.png`, sample.caption, sample.meta.label, sample.meta.class, sample.meta.tag ?? '']);
    }
    const file = join(outDir, `${split}.csv`);
    writeFileSync(file, stringify(rows));
    return file;
  },
  /** `<split>.parquet`: image {bytes, path} (Hugging Face's image struct), text, label, class, tag. */
  async parquet(outDir, split, samples) {
    const all: ExportSample[] = [];
    for await (const sample of samples) all.push(sample);
    const file = join(outDir, `${split}.parquet`);
    const utf8 = { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' } as const;
    parquetWriteFile({
      filename: file,
      columnData: [
        { name: 'image', data: all.map((s) => ({ bytes: new Uint8Array(s.png), path: `${s.key}.png` })) },
        { name: 'text', data: all.map((s) => s.caption) },
        { name: 'label', data: all.map((s) => s.meta.label) },
        { name: 'class', data: all.map((s) => s.meta.class) },
        { name: 'tag', data: all.map((s) => s.meta.tag ?? null) },
      ],
      schema: [
        { name: 'root', num_children: 5 },
        { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
        { name: 'path', ...utf8 },
        { name: 'text', ...utf8 },
        { name: 'label', type: 'INT32', repetition_type: 'OPTIONAL' },
        { name: 'class', ...utf8 },
        { name: 'tag', ...utf8 },
      ],
    });
    return file;
  },
};
