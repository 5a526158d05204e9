/**
 * Task `files` end to end through the real Nx targets, as a user runs them: one fixture of real
 * images (JPEG, PNG, WebP, 16-bit PNG, CMYK JPEG, PNG with alpha, palette PNG) laid out as every
 * source kind (WebDataset shards through a brace range, CSV, TSV and JSONL lists, an imagefolder
 * with metadata.jsonl, Parquet with the {bytes, path} image struct), each carrying bad samples of
 * every kind. `nx run trainer:prepare` must keep exactly the good ones and tally the rest by reason;
 * `nx run trainer:train` must train a smoke run on the shards. Everything, the data cache included,
 * lives in one temporary folder.
 */
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { parquetWriteFile } from 'hyparquet-writer';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePoints, RUN_FILES } from '@sieve/core';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';
import { writeTar } from '@sieve/data/testing';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../../../..');
const nxEnv = { ...withoutColorSettings(), CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const MINUTES = 60_000;

// ---------------------------------------------------------------------------------------------
// The fixture
// ---------------------------------------------------------------------------------------------

type Rgb = { r: number; g: number; b: number };
const KINDS = ['jpg', 'png', 'webp', 'png16', 'cmyk', 'alpha', 'palette'] as const;
type Kind = (typeof KINDS)[number];
const EXTENSION: Record<Kind, string> = { jpg: 'jpg', png: 'png', webp: 'webp', png16: 'png', cmyk: 'jpg', alpha: 'png', palette: 'png' };
const COLOURS = { red: { r: 220, g: 30, b: 40 }, green: { r: 30, g: 200, b: 60 }, blue: { r: 40, g: 60, b: 210 } } satisfies Record<string, Rgb>;
const COLOUR_NAMES = Object.keys(COLOURS) as Array<keyof typeof COLOURS>;
const SHAPES = ['square', 'circle'];

/** A 24x20 image of one colour in the given encoding (alpha: half transparent). */
function encoded(kind: Kind, colour: Rgb): Promise<Buffer> {
  if (kind === 'png16') {
    // 16-bit samples (a Uint16Array is read as such) of c x 257, which is c exactly in 8 bits; sharp's
    // own widening of an 8-bit image shifts by 8 (c x 256), which reads back as c - 1.
    const samples = Uint16Array.from({ length: 24 * 20 * 3 }, (_, i) => [colour.r, colour.g, colour.b][i % 3] * 257);
    return sharp(samples, { raw: { width: 24, height: 20, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
  }
  const alpha = kind === 'alpha';
  const image = sharp({ create: { width: 24, height: 20, channels: alpha ? 4 : 3, background: alpha ? { ...colour, alpha: 0.5 } : colour } });
  if (kind === 'jpg') return image.jpeg().toBuffer();
  if (kind === 'webp') return image.webp().toBuffer();
  if (kind === 'cmyk') return image.toColourspace('cmyk').jpeg().toBuffer();
  if (kind === 'palette') return image.png({ palette: true }).toBuffer();
  return image.png().toBuffer();
}

/** The 16x16 RGB pixels of the sample checked byte for byte. */
const EXACT_PIXELS = Buffer.from(Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37 + 11) % 256));
const exactPng = () => sharp(EXACT_PIXELS, { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer();

/** A JPEG cut in half: its header reads, its data does not. */
async function truncatedJpeg(): Promise<Buffer> {
  const noise = Buffer.from(Array.from({ length: 40 * 30 * 3 }, (_, i) => (i * 7919) % 251));
  const jpeg = await sharp(noise, { raw: { width: 40, height: 30, channels: 3 } }).jpeg().toBuffer();
  return jpeg.subarray(0, Math.floor(jpeg.length / 2));
}
const HTML = Buffer.from('<!doctype html><html><body><h1>404 Not Found</h1></body></html>\n');

/** Byte offset of member `index`'s data in a plain ustar file (512-byte headers, data padded to 512). */
const dataOffset = (sizes: number[], index: number) => sizes.slice(0, index).reduce((at, size) => at + 512 + Math.ceil(size / 512) * 512, 0) + 512;

/** The caption of the i-th generated shard sample: the colour word matches the image. */
function shardSample(i: number): { colour: keyof typeof COLOURS; caption: string } {
  const colour = COLOUR_NAMES[i % 3];
  return { colour, caption: `a ${colour} ${SHAPES[i % 2]} on ${i % 3 === 2 ? 'black' : 'white'}` };
}

/**
 * shards/00000.tar: `exact` (16x16 RGB PNG), six bad samples, 149 good ones (every encoding in turn).
 * shards/00001.tar: 150 good ones, then `s0-000` again.
 */
async function writeShards(root: string): Promise<void> {
  const dir = join(root, 'shards');
  mkdirSync(dir);
  const good = async (key: string, i: number): Promise<Array<[string, Uint8Array | string]>> => {
    const kind = KINDS[i % KINDS.length];
    const { colour, caption } = shardSample(i);
    const members: Array<[string, Uint8Array | string]> = [[`${key}.${EXTENSION[kind]}`, await encoded(kind, COLOURS[colour])], [`${key}.txt`, caption]];
    if (i % 10 === 0) members.push([`${key}.json`, JSON.stringify({ source: 'fixture', index: i })]);
    return members;
  };
  const red = await encoded('png', COLOURS.red);
  const first: Array<[string, Uint8Array | string]> = [
    ['exact.png', await exactPng()],
    ['exact.txt', 'a red square on white'],
    ['broken.jpg', await truncatedJpeg()], // undecodable-image
    ['broken.txt', 'a broken picture'],
    ['webpage.jpg', HTML], // not-an-image
    ['webpage.txt', 'a web page'],
    ['nocaption.png', red], // missing-caption
    ['noimage.txt', 'a caption alone'], // missing-image
    ['blank.png', red], // empty-caption
    ['blank.txt', '   '],
    ['badjson.png', red], // bad-metadata
    ['badjson.txt', 'a red square on white'],
    ['badjson.json', '{"label": 1,'],
  ];
  for (let i = 0; i < 149; i++) first.push(...(await good(`s0-${String(i).padStart(3, '0')}`, i)));
  await writeTar(join(dir, '00000.tar'), first);
  const second: Array<[string, Uint8Array | string]> = [];
  for (let i = 0; i < 150; i++) second.push(...(await good(`s1-${String(i).padStart(3, '0')}`, i)));
  second.push(['s0-000.png', red], ['s0-000.txt', 'a red square again']); // duplicate-key
  await writeTar(join(dir, '00001.tar'), second);
}

/** bad-shards/: a.tar whole (3 samples), b.tar cut inside its third sample's image, x.tar a folder. */
async function writeBadShards(root: string): Promise<void> {
  const dir = join(root, 'bad-shards');
  mkdirSync(join(dir, 'x.tar'), { recursive: true });
  const members = async (prefix: string): Promise<Array<[string, Buffer]>> => {
    const out: Array<[string, Buffer]> = [];
    for (let i = 0; i < 3; i++) out.push([`${prefix}${i}.png`, await encoded('png', COLOURS.green)], [`${prefix}${i}.txt`, Buffer.from(`a green square ${prefix}${i}`)]);
    return out;
  };
  await writeTar(join(dir, 'a.tar'), await members('p'));
  const cut = await members('q');
  const file = join(dir, 'b.tar');
  await writeTar(file, cut);
  const sizes = cut.map(([, bytes]) => bytes.length);
  writeFileSync(file, readFileSync(file).subarray(0, dataOffset(sizes, 4) + Math.floor(sizes[4] / 2)));
}

/** lists/images/: the files the lists name; `gone.png` is named but never written. */
const LIST_IMAGES: Array<[string, Kind, Rgb]> = [
  ['red.jpg', 'jpg', COLOURS.red],
  ['green.png', 'png', COLOURS.green],
  ['blue.webp', 'webp', COLOURS.blue],
  ['deep.png', 'png16', { r: 180, g: 90, b: 30 }],
  ['cmyk.jpg', 'cmyk', { r: 51, g: 102, b: 153 }],
  ['alpha.png', 'alpha', { r: 0, g: 0, b: 200 }],
  ['palette.png', 'palette', { r: 250, g: 200, b: 0 }],
  ['spare.png', 'png', COLOURS.red],
  ['spare2.png', 'png', COLOURS.red],
];

async function writeImages(dir: string, names: Array<[string, Kind, Rgb]>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [name, kind, colour] of names) writeFileSync(join(dir, name), await encoded(kind, colour));
}

/** Header on line 1; bad rows on lines 6, 8, 10, 12, 13, 14 and 15. */
const CSV = `filepath,title,score
images/red.jpg,a red square on white,0.9
images/green.png,a green circle on white,0.8
images/blue.webp,a blue square on black,0.7
images/deep.png,a red circle on black,0.6
images/truncated.jpg,a broken picture,0.5
images/cmyk.jpg,a green square on white,0.5
images/page.jpg,a web page,0.4
images/alpha.png,a blue circle on white,0.3
images/gone.png,a lost picture,0.2
images/palette.png,a red square on black,0.2
images/red.jpg,a red square again,0.1
images/green.png,too,many,cells
images/spare.png,   ,0.1
,a caption without an image,0.1
"images/exact.png","a red square on white",1
`;

/** Other default column names, a comma inside a caption; bad rows on lines 3, 5, 7, 9, 10 and 14. */
const TSV = `image\tcaption
images/red.jpg\ta red square, on white
images/truncated.jpg\ta broken picture
images/green.png\ta green circle on white
images/gone.png\ta lost picture
images/blue.webp\ta blue square on black
images/green.png
images/deep.png\ta red circle on black
images/page.jpg\ta web page
images/spare.png\t...
images/cmyk.jpg\ta green square on white
images/alpha.png\ta blue circle on white
images/palette.png\ta red square on black
images/red.jpg\tagain
`;

/** Typed values; bad rows on lines 2, 4, 5, 8, 10, 11, 12, 13 and 14; line 7 is blank (not a sample). */
const JSONL = `{"file_name":"images/red.jpg","text":"a red square on white","score":0.9}
{not json
{"file_name":"images/green.png","text":"a green circle on white","score":0.8}
[1, 2]
{"file_name":"images/spare.png"}
{"file_name":"images/blue.webp","text":"a blue square on black","score":null}

{"file_name":"images/spare2.png","text":"!!!"}
{"file_name":"images/deep.png","text":"a red circle on black"}
{"file_name":"images/truncated.jpg","text":"a broken picture"}
{"file_name":"images/page.jpg","text":"a web page"}
{"file_name":"images/gone.png","text":"a lost picture"}
{"file_name":"images/red.jpg","text":"again"}
{"file_name":42,"text":"a number for a path"}
{"file_name":"images/cmyk.jpg","text":"a green square on white"}
{"file_name":"images/alpha.png","text":"a blue circle on white"}
{"file_name":"images/palette.png","text":"a red square on black"}
`;

async function writeLists(root: string): Promise<void> {
  const dir = join(root, 'lists');
  await writeImages(join(dir, 'images'), LIST_IMAGES);
  writeFileSync(join(dir, 'images', 'exact.png'), await exactPng());
  writeFileSync(join(dir, 'images', 'truncated.jpg'), await truncatedJpeg());
  writeFileSync(join(dir, 'images', 'page.jpg'), HTML);
  writeFileSync(join(dir, 'list.csv'), CSV);
  writeFileSync(join(dir, 'list.tsv'), TSV);
  writeFileSync(join(dir, 'list.jsonl'), JSONL);
  writeFileSync(join(dir, 'wrong.csv'), 'url,description\nimages/red.jpg,a red square on white\n');
}

/** imagefolder/: one image of each encoding beside metadata.jsonl, plus a missing file and a bad line. */
async function writeImagefolder(root: string): Promise<void> {
  const dir = join(root, 'imagefolder');
  const names = KINDS.map((kind, i): [string, Kind, Rgb] => [`${kind}.${EXTENSION[kind]}`, kind, COLOURS[COLOUR_NAMES[i % 3]]]);
  await writeImages(dir, names);
  const lines = names.map(([name], i) => JSON.stringify({ file_name: name, caption: `a ${COLOUR_NAMES[i % 3]} ${SHAPES[i % 2]} on white` }));
  lines.splice(3, 0, JSON.stringify({ file_name: 'gone.jpg', caption: 'a lost picture' }), '{"file_name": "jpg.jpg", "caption": ');
  writeFileSync(join(dir, 'metadata.jsonl'), `${lines.join('\n')}\n`);
}

/** parquet/data.parquet: Hugging Face's {bytes, path} image struct, rows 2, 4, 5, 7 and 9 bad. */
async function writeParquetFile(root: string): Promise<void> {
  mkdirSync(join(root, 'parquet'));
  const image = async (kind: Kind, colour: Rgb) => new Uint8Array(await encoded(kind, colour));
  const rows: Array<[{ bytes: Uint8Array; path: string } | null, string | null]> = [
    [{ bytes: await image('jpg', COLOURS.red), path: 'red.jpg' }, 'a red square on white'],
    [{ bytes: await image('png', COLOURS.green), path: 'green.png' }, 'a green circle on white'],
    [{ bytes: new Uint8Array(await truncatedJpeg()), path: 'truncated.jpg' }, 'a broken picture'],
    [{ bytes: await image('webp', COLOURS.blue), path: 'blue.webp' }, 'a blue square on black'],
    [{ bytes: new Uint8Array(HTML), path: 'page.jpg' }, 'a web page'],
    [null, 'a caption without an image'],
    [{ bytes: await image('png16', COLOURS.red), path: 'deep.png' }, 'a red circle on black'],
    [{ bytes: await image('png', COLOURS.red), path: 'nocaption.png' }, null],
    [{ bytes: await image('cmyk', COLOURS.green), path: 'cmyk.jpg' }, 'a green square on white'],
    [{ bytes: await image('png', COLOURS.red), path: 'blank.png' }, ''],
    [{ bytes: await image('alpha', COLOURS.blue), path: 'alpha.png' }, 'a blue circle on white'],
    [{ bytes: await image('palette', COLOURS.red), path: 'palette.png' }, 'a red square on black'],
    [{ bytes: new Uint8Array(await exactPng()), path: 'exact.png' }, 'a red square on white'],
  ];
  const utf8 = { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' } as const;
  parquetWriteFile({
    filename: join(root, 'parquet', 'data.parquet'),
    columnData: [
      { name: 'image', data: rows.map(([cell]) => cell) },
      { name: 'text', data: rows.map(([, text]) => text) },
      { name: 'score', data: rows.map((_, i) => i / 10) },
    ],
    schema: [
      { name: 'root', num_children: 3 },
      { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
      { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'path', ...utf8 },
      { name: 'text', ...utf8 },
      { name: 'score', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Running the targets
// ---------------------------------------------------------------------------------------------

let root: string;
let cache: string;
let configFile: string;

beforeAll(async () => {
  root = tempDir('sieve-files-data-');
  cache = join(root, 'cache');
  configFile = join(root, 'settings.yaml');
  writeFileSync(configFile, `data:\n  cacheDir: ${JSON.stringify(cache)}\n`);
  await writeShards(root);
  await writeBadShards(root);
  await writeLists(root);
  await writeImagefolder(root);
  await writeParquetFile(root);
});

async function nx(target: 'prepare' | 'train' | 'embed-reference', args: string[]): Promise<{ exitCode: number; output: string }> {
  const result = await execa('npx', ['nx', 'run', `trainer:${target}`, ...args], { cwd: repoRoot, env: nxEnv, extendEnv: false, reject: false, timeout: 5 * MINUTES, all: true });
  return { exitCode: result.exitCode ?? -1, output: stripVTControlCharacters(result.all ?? '') };
}

interface Prepared {
  exitCode: number;
  output: string;
  store: string;
  manifest: { count: number; seen: number; skipped: Record<string, { count: number; examples: string[] }>; source: { format: string } };
}

/** One `nx run trainer:prepare` per source and flags, shared by the tests that read its store. */
const preparations = new Map<string, Promise<Prepared>>();
function prepare(source: string, ...extra: string[]): Promise<Prepared> {
  const args = ['--config', configFile, '--train-data', join(root, source), '--image-size', '16', '--channels', '3', '--max-bad-fraction', '1', ...extra];
  const id = args.join(' ');
  if (!preparations.has(id)) {
    preparations.set(
      id,
      nx('prepare', args).then(({ exitCode, output }) => {
        const store = /^train: \d+ records of \d+ samples in (\S+)$/m.exec(output)?.[1] ?? '';
        const manifest = store ? JSON.parse(readFileSync(join(store, 'manifest.json'), 'utf8')) : null;
        return { exitCode, output, store, manifest };
      }),
    );
  }
  return preparations.get(id)!;
}

const recordsOf = (store: string) =>
  readFileSync(join(store, 'records.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { key: string; caption: string; score?: number });

function pixelsOf(store: string, key: string): Buffer {
  const row = recordsOf(store).findIndex((record) => record.key === key);
  expect(row, `${key} in ${store}`).toBeGreaterThanOrEqual(0);
  return readFileSync(join(store, 'pixels.u8')).subarray(row * 16 * 16 * 3, (row + 1) * 16 * 16 * 3);
}

const one = (...examples: string[]) => ({ count: examples.length, examples });

/** What the shards leave out: one sample of each bad kind they hold. */
const SHARDS_SKIPPED = {
  'undecodable-image': one('broken'),
  'not-an-image': one('webpage'),
  'missing-caption': one('nocaption'),
  'missing-image': one('noimage'),
  'empty-caption': one('blank'),
  'bad-metadata': one('badjson'),
  'duplicate-key': one('s0-000'),
};

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe('nx run trainer:prepare: every source kind, every bad sample tallied', () => {
  const cases: Array<{ name: string; source: string; format: string; count: number; seen: number; skipped: Prepared['manifest']['skipped']; tally: string }> = [
    {
      name: 'WebDataset shards through a brace range',
      source: 'shards/{00000..00001}.tar',
      format: 'webdataset',
      count: 300,
      seen: 307,
      skipped: SHARDS_SKIPPED,
      tally:
        'undecodable-image 1 (broken), not-an-image 1 (webpage), missing-caption 1 (nocaption), missing-image 1 (noimage), ' +
        'empty-caption 1 (blank), bad-metadata 1 (badjson), duplicate-key 1 (s0-000)',
    },
    {
      name: 'a CSV list',
      source: 'lists/list.csv',
      format: 'list',
      count: 8,
      seen: 15,
      skipped: {
        'undecodable-image': one('images/truncated.jpg'),
        'not-an-image': one('images/page.jpg'),
        'missing-file': one('images/gone.png'),
        'duplicate-key': one('images/red.jpg'),
        'bad-row': one('list.csv line 13', 'list.csv line 15'),
        'empty-caption': one('images/spare.png'),
      },
      tally:
        'undecodable-image 1 (images/truncated.jpg), not-an-image 1 (images/page.jpg), missing-file 1 (images/gone.png), ' +
        'duplicate-key 1 (images/red.jpg), bad-row 2 (list.csv line 13, list.csv line 15), empty-caption 1 (images/spare.png)',
    },
    {
      name: 'a TSV list',
      source: 'lists/list.tsv',
      format: 'list',
      count: 7,
      seen: 13,
      skipped: {
        'undecodable-image': one('images/truncated.jpg'),
        'missing-file': one('images/gone.png'),
        'bad-row': one('list.tsv line 7'),
        'not-an-image': one('images/page.jpg'),
        'empty-caption': one('images/spare.png'),
        'duplicate-key': one('images/red.jpg'),
      },
      tally:
        'undecodable-image 1 (images/truncated.jpg), missing-file 1 (images/gone.png), bad-row 1 (list.tsv line 7), ' +
        'not-an-image 1 (images/page.jpg), empty-caption 1 (images/spare.png), duplicate-key 1 (images/red.jpg)',
    },
    {
      name: 'a JSONL list',
      source: 'lists/list.jsonl',
      format: 'list',
      count: 7,
      seen: 16,
      skipped: {
        'bad-row': one('list.jsonl line 2', 'list.jsonl line 4', 'list.jsonl line 14'),
        'missing-caption': one('images/spare.png'),
        'empty-caption': one('images/spare2.png'),
        'undecodable-image': one('images/truncated.jpg'),
        'not-an-image': one('images/page.jpg'),
        'missing-file': one('images/gone.png'),
        'duplicate-key': one('images/red.jpg'),
      },
      tally:
        'bad-row 3 (list.jsonl line 2, list.jsonl line 4, list.jsonl line 14), missing-caption 1 (images/spare.png), empty-caption 1 (images/spare2.png), ' +
        'undecodable-image 1 (images/truncated.jpg), not-an-image 1 (images/page.jpg), missing-file 1 (images/gone.png), duplicate-key 1 (images/red.jpg)',
    },
    {
      name: 'an imagefolder with metadata.jsonl',
      source: 'imagefolder',
      format: 'list',
      count: 7,
      seen: 9,
      skipped: { 'missing-file': one('gone.jpg'), 'bad-row': one('metadata.jsonl line 5') },
      tally: 'missing-file 1 (gone.jpg), bad-row 1 (metadata.jsonl line 5)',
    },
    {
      name: 'a Parquet file with the {bytes, path} image struct',
      source: 'parquet/data.parquet',
      format: 'parquet',
      count: 8,
      seen: 13,
      skipped: {
        'undecodable-image': one('truncated.jpg'),
        'not-an-image': one('page.jpg'),
        'missing-image': one('row-5'),
        'missing-caption': one('nocaption.png'),
        'empty-caption': one('blank.png'),
      },
      tally: 'undecodable-image 1 (truncated.jpg), not-an-image 1 (page.jpg), missing-image 1 (row-5), missing-caption 1 (nocaption.png), empty-caption 1 (blank.png)',
    },
  ];
  for (const { name, source, format, count, seen, skipped, tally } of cases) {
    it(`${name}: exit 0, ${count} kept of ${seen}, the tally by reason in the output and the manifest`, async () => {
      const result = await prepare(source);
      expect(result.exitCode, result.output).toBe(0);
      expect(result.output).toContain(`train: ${count} records of ${seen} samples in ${join(cache, 'stores')}`);
      expect(result.output).toContain(`  skipped: ${tally}\n`);
      expect(result.output).toContain(`--train-data ${join(root, source)}: ${count} samples (prepared in`);
      expect(result.manifest).toMatchObject({ count, seen, source: { format } });
      expect(result.manifest.skipped).toEqual(skipped);
      expect(recordsOf(result.store)).toHaveLength(count);
      expect(readFileSync(join(result.store, 'pixels.u8')).length).toBe(count * 16 * 16 * 3);
    }, 3 * MINUTES);
  }

  it('a second prepare finds the store and prepares nothing', async () => {
    const first = await prepare('lists/list.csv');
    const again = await nx('prepare', ['--config', configFile, '--train-data', join(root, 'lists/list.csv'), '--image-size', '16', '--max-bad-fraction', '1']);
    expect(again.exitCode, again.output).toBe(0);
    expect(again.output).toContain(`--train-data ${join(root, 'lists/list.csv')}: 8 samples (from the store), 7 of 15 skipped`);
    expect(again.output).toContain(`train: 8 records of 15 samples in ${first.store}`);
    expect(again.output).not.toMatch(/samples\/s/);
  }, 3 * MINUTES);
});

describe('the stores: pixels and words', () => {
  it('the fixture holds the encodings it names', async () => {
    const metadata = async (name: string) => {
      const { format, depth, space, hasAlpha, isPalette } = await sharp(join(root, 'lists', 'images', name)).metadata();
      return { format, depth, space, hasAlpha, isPalette: isPalette === true };
    };
    const plain = { depth: 'uchar', space: 'srgb', hasAlpha: false, isPalette: false };
    expect(await metadata('red.jpg')).toEqual({ ...plain, format: 'jpeg' });
    expect(await metadata('green.png')).toEqual({ ...plain, format: 'png' });
    expect(await metadata('blue.webp')).toEqual({ ...plain, format: 'webp' });
    expect(await metadata('deep.png')).toEqual({ ...plain, format: 'png', depth: 'ushort', space: 'rgb16' });
    expect(await metadata('cmyk.jpg')).toEqual({ ...plain, format: 'jpeg', space: 'cmyk' });
    expect(await metadata('alpha.png')).toEqual({ ...plain, format: 'png', hasAlpha: true });
    expect(await metadata('palette.png')).toEqual({ ...plain, format: 'png', isPalette: true });
  });

  it('a 16x16 RGB PNG at --image-size 16 --channels 3 is stored byte for byte, from shards, a list and Parquet', async () => {
    for (const [source, key] of [
      ['shards/{00000..00001}.tar', 'exact'],
      ['lists/list.csv', 'images/exact.png'],
      ['parquet/data.parquet', 'exact.png'],
    ]) {
      const { store } = await prepare(source);
      expect(Buffer.compare(pixelsOf(store, key), EXACT_PIXELS), `${source} ${key}`).toBe(0);
    }
  }, 3 * MINUTES);

  it('every encoding decodes to its colour: 16-bit, CMYK, palette, alpha over white', async () => {
    const { store } = await prepare('lists/list.csv');
    // Alpha 0.5 is stored as 128/255 and composited over white.
    const overWhite = (c: number) => (c * 128 + 255 * 127) / 255;
    const expected: Array<[string, Rgb, number]> = [
      ['images/red.jpg', COLOURS.red, 12],
      ['images/green.png', COLOURS.green, 0],
      ['images/blue.webp', COLOURS.blue, 12],
      ['images/deep.png', { r: 180, g: 90, b: 30 }, 0],
      ['images/cmyk.jpg', { r: 51, g: 102, b: 153 }, 20],
      ['images/alpha.png', { r: overWhite(0), g: overWhite(0), b: overWhite(200) }, 2],
      ['images/palette.png', { r: 250, g: 200, b: 0 }, 2],
    ];
    for (const [key, colour, tolerance] of expected) {
      const pixels = pixelsOf(store, key);
      for (let p = 0; p < 256; p++) {
        const [r, g, b] = [pixels[p * 3], pixels[p * 3 + 1], pixels[p * 3 + 2]];
        if (Math.max(Math.abs(r - colour.r), Math.abs(g - colour.g), Math.abs(b - colour.b)) > tolerance) {
          expect.fail(`${key} pixel ${p} is (${r}, ${g}, ${b}), expected (${colour.r}, ${colour.g}, ${colour.b}) within ${tolerance}`);
        }
      }
    }
  }, 3 * MINUTES);

  it("words.json counts the kept captions' words, most frequent first, ties by word", async () => {
    const { store } = await prepare('lists/list.csv');
    expect(JSON.parse(readFileSync(join(store, 'words.json'), 'utf8'))).toEqual([
      ['a', 8],
      ['on', 8],
      ['square', 5],
      ['white', 5],
      ['red', 4],
      ['black', 3],
      ['circle', 3],
      ['blue', 2],
      ['green', 2],
    ]);
    // The list's other columns stay with each record only as what the store keeps (no score column asked).
    expect(recordsOf(store).map((record) => record.caption)).toContain('a red square on white');
    expect(recordsOf(store).every((record) => record.score === undefined)).toBe(true);
  }, 3 * MINUTES);
});

describe('nx run trainer:prepare: bad input', () => {
  it('a list with none of the expected columns: non-zero exit naming the file and --image-column, no store written', async () => {
    const cacheDir = join(root, 'cache-wrong');
    const settings = join(root, 'settings-wrong.json');
    writeFileSync(settings, JSON.stringify({ data: { cacheDir } }));
    const wrong = join(root, 'lists', 'wrong.csv');
    const result = await nx('prepare', ['--config', settings, '--train-data', wrong]);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain(`error: --train-data: ${wrong} has none of the image columns filepath, file_name, image, image_path, path: name it with --image-column`);
    expect(result.output).toContain('(columns found: url, description)');
    expect(result.output).not.toMatch(/\n\s+at /);
    const stores = join(cacheDir, 'stores');
    expect(existsSync(stores) ? readdirSync(stores) : []).toEqual([]);
  }, 3 * MINUTES);

  it('the default --max-bad-fraction 0.05 refuses a source with 2 bad of 7; --max-bad-fraction 1 takes it', async () => {
    const source = join(root, 'bad-shards');
    const refused = await nx('prepare', ['--config', configFile, '--train-data', source, '--image-size', '16']);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toContain(
      `error: --train-data: 2 of 7 samples of ${source} are bad (truncated-tar 1 (b.tar), unreadable-shard 1 (x.tar)), more than --max-bad-fraction 0.05; repair the data or raise --max-bad-fraction.`,
    );
    expect(refused.output).not.toMatch(/^train: /m);

    const taken = await nx('prepare', ['--config', configFile, '--train-data', source, '--image-size', '16', '--max-bad-fraction', '1']);
    expect(taken.exitCode, taken.output).toBe(0);
    expect(taken.output).toContain('  skipped: truncated-tar 1 (b.tar), unreadable-shard 1 (x.tar)\n');
    const store = /^train: 5 records of 7 samples in (\S+)$/m.exec(taken.output)?.[1];
    expect(store, taken.output).toBeDefined();
    // a.tar's three samples and b.tar's two before the cut, in shard order.
    expect(recordsOf(store!).map((record) => record.key)).toEqual(['p0', 'p1', 'p2', 'q0', 'q1']);
  }, 3 * MINUTES);
});

describe('nx run trainer:train on the shards', () => {
  it('a smoke run completes with the tally in summary.json, retrieval in [0, 1] and a 3-word vocabulary', async () => {
    const out = join(root, 'run');
    const result = await nx('train', [
      ...['--config', configFile, '--preset', 'smoke', '--train-data', join(root, 'shards/{00000..00001}.tar')],
      ...['--image-size', '16', '--channels', '3', '--vocabulary-size', '3', '--max-bad-fraction', '1'],
      ...['--selector', 'uniform', '--steps', '20', '--eval-every', '10', '-b', '16', '--filter-ratio', '0.5', '--chunks', '4'],
      ...['--no-dashboard', '--no-energy', '--out', out],
    ]);
    expect(result.exitCode, result.output).toBe(0);

    const summary = JSON.parse(readFileSync(join(out, RUN_FILES.summary), 'utf8'));
    expect(summary).toMatchObject({ status: 'completed', steps: 20 });
    expect(summary.dataSources).toHaveLength(1);
    expect(summary.dataSources[0]).toMatchObject({ role: 'train', spec: join(root, 'shards/{00000..00001}.tar'), records: 300, seen: 307 });
    expect(summary.dataSources[0].skipped).toEqual(SHARDS_SKIPPED);

    const { points } = parsePoints(readFileSync(join(out, RUN_FILES.points), 'utf8'), RUN_FILES.points);
    expect(points.map((point) => point.step)).toEqual([10, 20]);
    for (const point of points) {
      expect(point.retrieval).toBeTruthy();
      const figures = [point.retrieval!.imageToText, point.retrieval!.textToImage].flatMap((recall) => [recall.at1, recall.at5, recall.at10]);
      for (const value of figures) {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }

    // The run's vocabulary is '<pad>', '<unk>' and the pool's 3 most frequent words ("a" and "on" in
    // every caption, then "white" in 201): its token file is named by it and encodes with it.
    const store = summary.dataSources[0].store as string;
    const words = ['<pad>', '<unk>', 'a', 'on', 'white'];
    const id = createHash('sha256').update(words.join('\n')).digest('hex').slice(0, 12);
    const tokenFile = join(store, `tokens-${id}-32.i32`);
    expect(readdirSync(store)).toContain(`tokens-${id}-32.i32`);
    const row = recordsOf(store).findIndex((record) => record.key === 'exact');
    const bytes = readFileSync(tokenFile);
    expect(bytes.length).toBe(300 * 32 * 4);
    const tokens = Array.from({ length: 32 }, (_, t) => bytes.readInt32LE((row * 32 + t) * 4));
    // "a red square on white": a, <unk>, <unk>, on, white, then padding.
    expect(tokens).toEqual([2, 1, 1, 3, 4, ...Array<number>(27).fill(0)]);
  }, 5 * MINUTES);
});

describe('a score the data already has (--score-column)', () => {
  it('offline-filter keeps the highest-scored samples with no reference model at all', async () => {
    // 60 listed images: the 30 tagged clean carry high scores, the 30 tagged junk low ones.
    const dir = join(root, 'scored');
    mkdirSync(join(dir, 'images'), { recursive: true });
    const rows = ['filepath,title,clip,tag'];
    for (let i = 0; i < 60; i++) {
      const clean = i % 2 === 0;
      const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 4 * i, g: clean ? 200 : 20, b: 90 } } }).png().toBuffer();
      writeFileSync(join(dir, 'images', `${i}.png`), png);
      rows.push(`images/${i}.png,${clean ? 'a green square' : 'buy now cheap'} ${i},${clean ? 0.3 + i / 1000 : 0.1 - i / 1000},${clean ? 'clean' : 'junk'}`);
    }
    writeFileSync(join(dir, 'pool.csv'), `${rows.join('\n')}\n`);
    const out = join(root, 'scored-run');
    const result = await nx('train', [
      ...['--config', configFile, '--preset', 'smoke', '--train-data', join(dir, 'pool.csv'), '--image-size', '16', '--score-column', 'clip'],
      ...['--reference-split', '0.1', '--test-split', '0.1', '--selector', 'offline-filter', '--steps', '6', '--eval-every', '3'],
      ...['-b', '8', '--filter-ratio', '0.5', '--chunks', '2', '--no-dashboard', '--no-energy', '--out', out],
    ]);
    expect(result.exitCode, result.output).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, RUN_FILES.summary), 'utf8'));
    expect(summary.reference).toBeNull();
    expect(summary.flopsByPhase['reference-training']).toBe(0);
    expect(summary.flopsByPhase['reference-embedding']).toBe(0);
    const { points } = parsePoints(readFileSync(join(out, RUN_FILES.points), 'utf8'), RUN_FILES.points);
    // Half of the 48 pool samples is kept, those with the highest scores: the clean ones, about half
    // the pool. A super-batch with fewer than b kept fills up with the next-best (junk), so the share
    // trained on is high but need not be 1; a uniform draw would give the pool's share.
    const poolClean = points[0].selection.poolMakeUp.clean;
    expect(poolClean).toBeGreaterThan(0.35);
    expect(poolClean).toBeLessThan(0.65);
    for (const point of points) expect(point.selection.makeUp.clean).toBeGreaterThan(0.85);
  }, 5 * MINUTES);
});

describe('nx run trainer:embed-reference on your own data', () => {
  it('says when the reference is held out of the pool, as train does', async () => {
    const settings = join(root, 'embed.yaml');
    writeFileSync(
      settings,
      `data:\n  cacheDir: ${JSON.stringify(join(root, 'embed-cache'))}\n  files:\n    train: ${JSON.stringify(join(root, 'shards/{00000..00001}.tar'))}\n    imageSize: 16\n    maxBadFraction: 1\n`,
    );
    const result = await nx('embed-reference', ['--preset', 'smoke', '--config', settings, '--task', 'files', '--reference-steps', '2', '--backend', 'wasm']);
    expect(result.exitCode, result.output).toBe(0);
    // 300 samples, 10% held out for the reference.
    expect(result.output).toMatch(/^warning: no --reference-data: the reference trains on 30 examples held out of the pool/m);
  }, 5 * MINUTES);
});
