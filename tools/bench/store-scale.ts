/**
 * Task `files` at scale: stores of synthetic 32 x 32 x 3 records (10k, 100k and 1M by default).
 * For each size it writes WebDataset shards (JPEGs drawn from 1,000 distinct images, captions of
 * 6 to 12 words from a Zipf-distributed list of 20,000), prepares them (images per second of wall
 * time and per CPU-second, in this process), then trains the same run twice in child processes
 * through the real command line, once reading the pool from the store and once with
 * `--pool-in-memory` (sizes whose pool fits: at most `--memory-limit` rows), alternating, and prints
 * steps per second and peak RSS side by side. Reference and test sets are the same small shards for
 * every size, so only the pool grows.
 *
 *   npx tsx tools/bench/store-scale.ts [--sizes 10000,100000,1000000] [--steps 300] [--selector cascade] [--work DIR] [--json FILE] [--shards-only]
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import sharp from 'sharp';
import { pack } from 'tar-stream';
import { Rng } from '@sieve/core';
import { prepareFilesSources } from '@sieve/data';

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    steps: { type: 'string', default: '300' },
    selector: { type: 'string', default: 'cascade' },
    work: { type: 'string', default: '.cache/sieve/store-scale' },
    'memory-limit': { type: 'string', default: '100000' },
    json: { type: 'string' },
    /** Write the shards of every size and stop (they are reused by the next run). */
    'shards-only': { type: 'boolean', default: false },
  },
});
const sizes = flags.sizes.split(',').map(Number);
const work = resolve(flags.work);
const cacheDir = join(work, 'cache');
const SHARD_SIZE = 10_000;
const DISTINCT_IMAGES = 1000;
const WORDS = 20_000;

/** 1,000 distinct JPEGs: a colour gradient per image plus seeded noise. */
async function baseImages(): Promise<Buffer[]> {
  const rng = new Rng(7);
  const images: Buffer[] = [];
  for (let i = 0; i < DISTINCT_IMAGES; i++) {
    const pixels = Buffer.alloc(32 * 32 * 3);
    const [r, g, b] = [rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)];
    for (let p = 0; p < 32 * 32; p++) {
      const shade = (p % 32) * 4;
      pixels[p * 3] = (r + shade + rng.nextInt(32)) % 256;
      pixels[p * 3 + 1] = (g + rng.nextInt(32)) % 256;
      pixels[p * 3 + 2] = (b + (p >> 5) * 4) % 256;
    }
    images.push(await sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
  }
  return images;
}

/** A caption of 6 to 12 words, word w drawn with probability proportional to 1 / (w + 1). */
function caption(rng: Rng, cumulative: Float64Array): string {
  const words: string[] = [];
  const length = 6 + rng.nextInt(7);
  for (let i = 0; i < length; i++) {
    const u = rng.nextFloat() * cumulative[WORDS - 1];
    let lo = 0;
    let hi = WORDS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    words.push(`w${lo}`);
  }
  return words.join(' ');
}

async function writeShards(dir: string, count: number, seed: number, images: Buffer[]): Promise<void> {
  if (existsSync(join(dir, 'done'))) return;
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  const cumulative = new Float64Array(WORDS);
  for (let w = 0, sum = 0; w < WORDS; w++) cumulative[w] = sum += 1 / (w + 1);
  for (let shard = 0; shard * SHARD_SIZE < count; shard++) {
    const tar = pack();
    const written = pipeline(tar, createWriteStream(join(dir, `${String(shard).padStart(5, '0')}.tar`)));
    for (let i = shard * SHARD_SIZE; i < Math.min(count, (shard + 1) * SHARD_SIZE); i++) {
      const key = String(i).padStart(9, '0');
      tar.entry({ name: `${key}.jpg` }, images[rng.nextInt(DISTINCT_IMAGES)]);
      tar.entry({ name: `${key}.txt` }, caption(rng, cumulative));
    }
    tar.finalize();
    await written;
  }
  writeFileSync(join(dir, 'done'), '');
}

interface RunFigures {
  stepsPerSecond: number;
  peakRssMiB: number;
  wallSeconds: number;
}

async function trainOnce(size: number, dirs: { train: string; reference: string; test: string }, inMemory: boolean): Promise<RunFigures> {
  const out = join(work, `run-${size}-${inMemory ? 'memory' : 'store'}`);
  const config = join(work, 'config.json');
  writeFileSync(config, JSON.stringify({ data: { cacheDir } }));
  await execa(
    'node',
    [
      '--import',
      'tsx',
      'packages/trainer/src/main.ts',
      'train',
      '--config',
      config,
      '--train-data',
      dirs.train,
      '--reference-data',
      dirs.reference,
      '--test-data',
      dirs.test,
      '--steps',
      flags.steps,
      '--selector',
      flags.selector,
      '--no-dashboard',
      '--overwrite',
      '--out',
      out,
      ...(inMemory ? ['--pool-in-memory'] : []),
    ],
    { stdout: 'ignore', stderr: 'inherit', env: { CI: 'true' } },
  );
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { stepsPerSecond: number; peakRssBytes: number; wallSeconds: number };
  return { stepsPerSecond: summary.stepsPerSecond, peakRssMiB: summary.peakRssBytes / 2 ** 20, wallSeconds: summary.wallSeconds };
}

const images = await baseImages();
const common = { reference: join(work, 'reference'), test: join(work, 'test') };
await writeShards(common.reference, 2000, 11, images);
await writeShards(common.test, 1000, 12, images);
if (flags['shards-only']) {
  for (const size of sizes) await writeShards(join(work, `pool-${size}`), size, size, images);
  console.log(`shards written in ${work}`);
  process.exit(0);
}
const results: Array<{ size: number; preparation: { seconds: number; imagesPerSecond: number; imagesPerCpuSecond: number | null }; store: RunFigures; inMemory: RunFigures | null }> = [];
for (const size of sizes) {
  const train = join(work, `pool-${size}`);
  const writeStart = performance.now();
  await writeShards(train, size, size, images);
  console.log(`pool of ${size}: shards written in ${((performance.now() - writeStart) / 1000).toFixed(1)} s`);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const [prepared] = await prepareFilesSources(
    { train, reference: common.reference, test: common.test, imageSize: 32, channels: 3, vocabularySize: 8192, maxTokens: 32, referenceSplit: 0.1, testSplit: 0.1, maxBadFraction: 0.05, poolInMemory: false, cacheDir },
    () => {},
  );
  const cpu = process.cpuUsage(cpuBefore);
  const wall = (performance.now() - wallBefore) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const preparation = prepared.prepared
    ? { seconds: wall, imagesPerSecond: size / wall, imagesPerCpuSecond: size / cpuSeconds }
    : { seconds: prepared.seconds, imagesPerSecond: size / prepared.seconds, imagesPerCpuSecond: null };
  console.log(`pool of ${size}: prepared in ${preparation.seconds.toFixed(1)} s, ${preparation.imagesPerSecond.toFixed(0)} images/s, ${preparation.imagesPerCpuSecond?.toFixed(0) ?? '(reused)'} per CPU-second`);
  const dirs = { train, ...common };
  const memory = size <= Number(flags['memory-limit']);
  // Alternate which goes first, so neither always runs on a warmer machine.
  const first = await trainOnce(size, dirs, memory && results.length % 2 === 1);
  const second = memory ? await trainOnce(size, dirs, results.length % 2 === 0) : null;
  const store: RunFigures = memory && results.length % 2 === 1 ? second! : first;
  const inMemory: RunFigures | null = memory ? (results.length % 2 === 1 ? first : second) : null;
  console.log(
    `pool of ${size}: store ${store.stepsPerSecond.toFixed(2)} steps/s, ${store.peakRssMiB.toFixed(0)} MiB peak RSS` +
      (inMemory ? `; in memory ${inMemory.stepsPerSecond.toFixed(2)} steps/s, ${inMemory.peakRssMiB.toFixed(0)} MiB` : '; in memory: not run (pool too large)'),
  );
  results.push({ size, preparation, store, inMemory });
}

console.log(`\n${cpus()[0]?.model.trim()}, ${availableParallelism()} cores, Node ${process.versions.node}; ${flags.selector}, ${flags.steps} steps, 32 x 32 x 3\n`);
console.log('| pool | prepare (s) | images/s | images per CPU-s | steps/s, store | steps/s, in memory | store / memory | peak RSS, store (MiB) | peak RSS, in memory (MiB) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.size.toLocaleString('en')} | ${r.preparation.seconds.toFixed(1)} | ${r.preparation.imagesPerSecond.toFixed(0)} | ${r.preparation.imagesPerCpuSecond?.toFixed(0) ?? 'reused'} | ` +
      `${r.store.stepsPerSecond.toFixed(2)} | ${r.inMemory?.stepsPerSecond.toFixed(2) ?? '–'} | ${r.inMemory ? (r.store.stepsPerSecond / r.inMemory.stepsPerSecond).toFixed(3) : '–'} | ` +
      `${r.store.peakRssMiB.toFixed(0)} | ${r.inMemory?.peakRssMiB.toFixed(0) ?? '–'} |`,
  );
}
if (flags.json) writeFileSync(flags.json, `${JSON.stringify({ date: new Date().toISOString(), steps: Number(flags.steps), selector: flags.selector, results }, null, 2)}\n`);
