/**
 * prepareStore in-process: a store is reused while its source and options are unchanged, prepared
 * anew when either changes, resumed after an interruption to the same bytes an uninterrupted
 * preparation writes, and a score column keeps the score or skips the sample.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import type * as DecodeImageModule from './decode-image';
import { prepareStore, type PrepareStoreOptions } from './prepare-store';
import { resolveSource } from './sources';
import { writeTar } from '../testing';
import type { StoreProgress, StoredRecord } from './store-layout';
import { builtVocabulary } from './store-vocabulary';

/**
 * The real decoder, counted, and able to hand back one wrong-sized record at a chosen call: the
 * store writer refuses it with an error, which is how a preparation is interrupted here (see the
 * resume test).
 */
const decodes = vi.hoisted(() => ({ calls: 0, wrongSizeAt: 0 }));
vi.mock('./decode-image', async (importOriginal) => {
  const real = await importOriginal<typeof DecodeImageModule>();
  return {
    ...real,
    decodeImage: async (...args: Parameters<typeof real.decodeImage>) => {
      decodes.calls++;
      if (decodes.calls === decodes.wrongSizeAt) return { pixels: Buffer.alloc(1) };
      return real.decodeImage(...args);
    },
  };
});

afterAll(removeTempDirs);
beforeEach(() => {
  decodes.calls = 0;
  decodes.wrongSizeAt = 0;
});

const SIDE = 4;
const options = (cacheDir: string, extra: Partial<PrepareStoreOptions> = {}): PrepareStoreOptions => ({ cacheDir, field: '--train-data', imageSize: SIDE, channels: 3, ...extra });

/** A 4x4 PNG whose pixels are a function of `seed`, so every sample's bytes differ. */
function png(seed: number): Promise<Buffer> {
  const pixels = Buffer.from(Array.from({ length: SIDE * SIDE * 3 }, (_, i) => (seed * 31 + i * 7) % 256));
  return sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 3 } }).png().toBuffer();
}

/** A CSV list beside its images: `rows` are [file name, caption, score] (an image is written for each named file). */
async function csvList(rows: Array<[string, string, string]>): Promise<string> {
  const dir = tempDir('sieve-prepare-store-');
  for (const [i, [name]] of rows.entries()) if (name !== '' && !existsSync(join(dir, name))) writeFileSync(join(dir, name), await png(i));
  const file = join(dir, 'list.csv');
  writeFileSync(file, `filepath,title,score\n${rows.map((row) => row.join(',')).join('\n')}\n`);
  return file;
}

const recordsOf = (dir: string) =>
  readFileSync(join(dir, 'records.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as StoredRecord);

const SIX: Array<[string, string, string]> = [
  ['a.png', 'a red square', '1'],
  ['b.png', 'a blue square', '2'],
  ['c.png', 'a red circle', '3'],
  ['d.png', 'a red dot', '4'],
  ['e.png', 'green', '5'],
  ['f.png', 'a square', '6'],
];

describe('prepareStore: reuse and fingerprint', () => {
  it('a second call finds the store: prepared false, same folder and manifest, nothing decoded', async () => {
    const list = await csvList(SIX);
    const cacheDir = join(tempDir('sieve-prepare-store-'), 'cache');
    const source = await resolveSource(list, '--train-data');
    const first = await prepareStore(source, options(cacheDir));
    expect(first.prepared).toBe(true);
    expect(first.dir).toMatch(new RegExp(`^${cacheDir}/stores/[0-9a-f]{20}$`));
    expect(first.manifest).toMatchObject({ count: 6, seen: 6, skipped: {}, source: { format: 'list' }, options: { imageSize: SIDE, channels: 3 } });
    expect(existsSync(join(first.dir, 'progress.json'))).toBe(false);
    expect(decodes.calls).toBe(6);

    const second = await prepareStore(await resolveSource(list, '--train-data'), options(cacheDir));
    expect(second).toEqual({ dir: first.dir, manifest: first.manifest, prepared: false });
    expect(decodes.calls).toBe(6);

    // words.json and the vocabulary built from it: '<pad>', '<unk>' and the 3 most frequent words, ties by word.
    expect(JSON.parse(readFileSync(join(first.dir, 'words.json'), 'utf8'))).toEqual([
      ['a', 5],
      ['red', 3],
      ['square', 3],
      ['blue', 1],
      ['circle', 1],
      ['dot', 1],
      ['green', 1],
    ]);
    expect(builtVocabulary(first.dir, 3).words).toEqual(['<pad>', '<unk>', 'a', 'red', 'square']);
  });

  it('a changed source (a row appended, or only a new mtime) or a changed option prepares anew into another folder', async () => {
    const list = await csvList(SIX);
    const cacheDir = join(tempDir('sieve-prepare-store-'), 'cache');
    const first = await prepareStore(await resolveSource(list, '--train-data'), options(cacheDir));

    appendFileSync(list, 'a.png,a red square again,7\n');
    const appended = await prepareStore(await resolveSource(list, '--train-data'), options(cacheDir));
    expect(appended.prepared).toBe(true);
    expect(appended.dir).not.toBe(first.dir);
    expect(appended.manifest).toMatchObject({ count: 6, seen: 7, skipped: { 'duplicate-key': { count: 1, examples: ['a.png'] } } });

    const later = new Date(Date.now() + 60_000);
    utimesSync(list, later, later);
    const touched = await prepareStore(await resolveSource(list, '--train-data'), options(cacheDir));
    expect(touched.prepared).toBe(true);
    expect(new Set([first.dir, appended.dir, touched.dir]).size).toBe(3);
    // Same bytes read, so the same store content.
    expect(readFileSync(join(touched.dir, 'pixels.u8'))).toEqual(readFileSync(join(appended.dir, 'pixels.u8')));

    const gray = await prepareStore(await resolveSource(list, '--train-data'), options(cacheDir, { channels: 1 }));
    expect(gray.prepared).toBe(true);
    expect(gray.dir).not.toBe(touched.dir);
    expect(readFileSync(join(gray.dir, 'pixels.u8')).length).toBe(6 * SIDE * SIDE);
    // Every earlier store stays, whole.
    for (const dir of [first.dir, appended.dir, touched.dir]) expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
    expect(readdirSync(join(cacheDir, 'stores'))).toHaveLength(4);
  });
});

describe('prepareStore: an interrupted preparation', () => {
  /**
   * 1,300 samples in one shard, every sample's pixels different, with bad ones on both sides of the
   * first save (every 50th is HTML: not-an-image; every 97th has no caption: missing-caption).
   */
  async function bigShard(): Promise<string> {
    const dir = tempDir('sieve-prepare-store-');
    const members: Array<[string, Uint8Array | string]> = [];
    for (let i = 0; i < 1300; i++) {
      const key = `k${String(i).padStart(4, '0')}`;
      members.push([`${key}.png`, i % 50 === 49 ? '<html>gone</html>' : await png(i)]);
      if (i % 97 !== 96) members.push([`${key}.txt`, `sample ${i % 13} of ${i % 7 === 0 ? 'seven' : 'many'}`]);
    }
    const file = join(dir, 'big.tar');
    await writeTar(file, members);
    return file;
  }

  it('resumes from its last save, decodes only what follows, and ends byte-identical to an uninterrupted one', async () => {
    const shard = await bigShard();
    const source = await resolveSource(shard, '--train-data');

    const whole = await prepareStore(source, options(join(tempDir('sieve-prepare-store-'), 'cache')));
    const decodedWhole = decodes.calls;
    expect(whole.manifest).toMatchObject({ count: 1300 - 26 - 13, seen: 1300 });
    expect(whole.manifest.skipped).toEqual({
      'missing-caption': { count: 13, examples: ['k0096', 'k0193', 'k0290'] },
      'not-an-image': { count: 26, examples: ['k0049', 'k0099', 'k0149'] },
    });

    // The interruption: the writer refuses a wrong-sized record at the 900th decode and the
    // preparation throws, as a failed write would. Progress was saved once, after 512 records (the
    // writer's COMMIT_EVERY); the records committed after it were never saved. A process killed at
    // that point leaves the same files, and maybe bytes written past the save, added here by hand.
    const cacheDir = join(tempDir('sieve-prepare-store-'), 'cache');
    decodes.calls = 0;
    decodes.wrongSizeAt = 900;
    await expect(prepareStore(source, options(cacheDir))).rejects.toThrow(/record of 1 bytes, expected 48/);
    const dir = join(cacheDir, 'stores', whole.dir.split('/').pop()!);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    const saved = JSON.parse(readFileSync(join(dir, 'progress.json'), 'utf8')) as StoreProgress;
    expect(saved).toMatchObject({ count: 512, pixelsBytes: 512 * SIDE * SIDE * 3 });
    expect(saved.seen).toBeGreaterThan(512);
    expect(saved.seen).toBeLessThan(900);
    appendFileSync(join(dir, 'pixels.u8'), Buffer.alloc(1000, 7));
    appendFileSync(join(dir, 'records.jsonl'), '{"key":"torn","cap');

    decodes.calls = 0;
    decodes.wrongSizeAt = 0;
    const lines: string[] = [];
    const resumed = await prepareStore(source, options(cacheDir, { log: (line) => lines.push(line) }));
    expect(resumed).toMatchObject({ dir, prepared: true });
    expect(lines).toContain(`--train-data: resuming the preparation of ${shard} after ${saved.seen} samples`);
    // Only the samples after the save were decoded: not the saved records, nor the saved not-an-image skips.
    expect(decodes.calls).toBe(decodedWhole - saved.count - (saved.skipped['not-an-image']?.count ?? 0));

    for (const file of ['pixels.u8', 'records.jsonl', 'words.json']) {
      expect(Buffer.compare(readFileSync(join(dir, file)), readFileSync(join(whole.dir, file))), file).toBe(0);
    }
    const { seconds: _resumedSeconds, ...resumedManifest } = resumed.manifest;
    const { seconds: _wholeSeconds, ...wholeManifest } = whole.manifest;
    expect(resumedManifest).toEqual(wholeManifest);
    expect(existsSync(join(dir, 'progress.json'))).toBe(false);
  });
});

describe('prepareStore: --score-column', () => {
  it('keeps each score as a number and skips a sample without one (missing-score)', async () => {
    const list = await csvList([
      ['a.png', 'a red square', '0.5'],
      ['b.png', 'a blue square', ''],
      ['c.png', 'a red circle', '2e-1'],
      ['d.png', 'a red dot', 'high'],
      ['e.png', 'green', '-3'],
      ['f.png', 'a square', '7'],
    ]);
    const cacheDir = join(tempDir('sieve-prepare-store-'), 'cache');
    const scored = await prepareStore(await resolveSource(list, '--train-data'), options(cacheDir, { scoreColumn: 'score' }));
    expect(scored.manifest).toMatchObject({ count: 4, seen: 6, skipped: { 'missing-score': { count: 2, examples: ['b.png', 'd.png'] } }, options: { scoreColumn: 'score' } });
    expect(recordsOf(scored.dir)).toEqual([
      { key: 'a.png', caption: 'a red square', score: 0.5 },
      { key: 'c.png', caption: 'a red circle', score: 0.2 },
      { key: 'e.png', caption: 'green', score: -3 },
      { key: 'f.png', caption: 'a square', score: 7 },
    ]);
    // A sample without a score is skipped before its image is decoded.
    expect(decodes.calls).toBe(4);

    // Without the column, the same list keeps all six, with no score.
    const plain = await prepareStore(await resolveSource(list, '--train-data'), options(cacheDir));
    expect(plain.dir).not.toBe(scored.dir);
    expect(plain.manifest).toMatchObject({ count: 6, skipped: {} });
    expect(recordsOf(plain.dir).every((record) => record.score === undefined)).toBe(true);
  });

  it('a JSONL score of null, a missing one or text that is not a number is missing-score; a numeric string is kept', async () => {
    const dir = tempDir('sieve-prepare-store-');
    for (const [i, name] of ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'].entries()) writeFileSync(join(dir, name), await png(i));
    const list = join(dir, 'list.jsonl');
    const rows = [
      { file_name: 'a.png', text: 'one', quality: 0.25 },
      { file_name: 'b.png', text: 'two', quality: null },
      { file_name: 'c.png', text: 'three' },
      { file_name: 'd.png', text: 'four', quality: 'n/a' },
      { file_name: 'e.png', text: 'five', quality: '12' },
    ];
    writeFileSync(list, rows.map((row) => JSON.stringify(row)).join('\n'));
    const store = await prepareStore(await resolveSource(list, '--train-data'), options(join(dir, 'cache'), { scoreColumn: 'quality' }));
    expect(store.manifest.skipped).toEqual({ 'missing-score': { count: 3, examples: ['b.png', 'c.png', 'd.png'] } });
    expect(recordsOf(store.dir).map((record) => [record.key, record.score])).toEqual([
      ['a.png', 0.25],
      ['e.png', 12],
    ]);
  });
});

describe('prepareStore: a failed preparation leaves no store behind', () => {
  it('a list without the expected columns: a UserInputError naming --image-column, no store folder', async () => {
    const dir = tempDir('sieve-prepare-store-');
    const list = join(dir, 'wrong.csv');
    writeFileSync(list, 'url,description\nx.png,a caption\n');
    const cacheDir = join(dir, 'cache');
    const error = await prepareStore(await resolveSource(list, '--train-data'), options(cacheDir)).catch((caught: unknown) => caught);
    expect(isUserInputError(error)).toBe(true);
    expect((error as Error).message).toMatch(/wrong\.csv has none of the image columns .*--image-column/);
    expect(readdirSync(join(cacheDir, 'stores'))).toEqual([]);
  });

  it('a source with no usable sample: the error, no store folder', async () => {
    const list = await csvList([['', 'no image', '1']]);
    const cacheDir = join(tempDir('sieve-prepare-store-'), 'cache');
    await expect(prepareStore(await resolveSource(list, '--train-data'), options(cacheDir))).rejects.toThrow(/no usable sample/);
    expect(readdirSync(join(cacheDir, 'stores'))).toEqual([]);
  });
});
