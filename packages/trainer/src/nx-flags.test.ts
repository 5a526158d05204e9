/**
 * Every flag that `sieve train --help` documents, given to the real Nx target as a user types it,
 * reaches the trainer: the run's config.json holds each value. Nx keeps some flags for itself
 * (`--batch-size`, `--parallel`, `--verbose`, …) and drops them without a word, so a flag that
 * works through `tsx` proves nothing about `nx run trainer:train`.
 */
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { encodeIdxImages, encodeIdxLabels } from '@sieve/data';
import { buildProgram } from './cli';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../../..');
const nxEnv = { CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const MINUTES = 60_000;

/** Every long flag given to Nx by this file's tests, to check none of `--help`'s is left out. */
const flagsGiven = new Set<string>();

function nxTrain(args: string[]) {
  for (const arg of args) if (arg.startsWith('--')) flagsGiven.add(arg);
  return execa('npx', ['nx', 'run', 'trainer:train', ...args], { cwd: repoRoot, env: nxEnv, reject: false, timeout: 5 * MINUTES, all: true });
}

function configOf(out: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
}

let root: string;
let configFile: string;
beforeAll(() => {
  root = tempDir('sieve-nx-flags-');
  // The data cache and a setting only a file gives, outside the working tree.
  configFile = join(root, 'settings.json');
  writeFileSync(configFile, JSON.stringify({ data: { cacheDir: join(root, 'cache') }, reference: { batchSize: 32 } }));
});

describe('nx run trainer:train: every documented flag reaches the trainer', () => {
  it('the built-in task, a plugin selector and every training, evaluation and energy flag', async () => {
    const out = join(root, 'captions');
    const result = await nxTrain([
      ...['--preset', 'smoke', '--config', configFile, '--task', 'fashion-captions'],
      ...['--plugin', './examples/selector-loss-band/src/index.ts', '--selector', 'loss-band'],
      ...['--selector-option', 'low=0.2', '--selector-option', 'high=0.9'],
      ...['--steps', '4', '-b', '16', '--filter-ratio', '0.75', '--chunks', '4', '--seed', '7', '--eval-every', '2'],
      ...['--out', out, '--overwrite', '--backend', 'wasm', '--image-tower', 'mlp', '--test-limit', '50'],
      ...['--reference-steps', '5', '--learning-rate', '0.001'],
      ...['--no-energy', '--watts-per-core', '3', '--carbon-intensity', '300', '--no-dashboard', '--stall-seconds', '90'],
    ]);
    expect(result.exitCode, result.all).toBe(0);
    const config = configOf(out);
    expect(config).toMatchObject({
      task: 'fashion-captions',
      selector: 'loss-band',
      selectorOptions: { low: 0.2, high: 0.9 },
      plugins: ['./examples/selector-loss-band/src/index.ts'],
      steps: 4,
      batchSize: 16,
      filterRatio: 0.75,
      chunks: 4,
      seed: 7,
      evalEvery: 2,
      backend: 'wasm',
      dashboard: false,
      model: { imageTower: 'mlp' },
      evaluation: { testLimit: 50 },
      reference: { steps: 5, batchSize: 32 },
      optimizer: { learningRate: 0.001 },
      energy: { enabled: false, wattsPerCore: 3, carbonIntensity: 300 },
      guards: { stallSeconds: 90 },
      data: { cacheDir: join(root, 'cache') },
    });
    // The smoke preset's own steps and batch size (200 and 64) were overridden, not kept.
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).steps).toBe(4);

    // The long name of -b, through Nx too.
    const again = await nxTrain(['--config', configFile, '--preset', 'smoke', '--steps', '2', '--eval-every', '2', '--train-batch-size', '32', '--no-energy', '--no-dashboard', '--out', out, '--overwrite']);
    expect(again.exitCode, again.all).toBe(0);
    expect(configOf(out).batchSize).toBe(32);

    // --resume reaches it too: a finished run has nothing to resume.
    const resumed = await nxTrain(['--resume', out]);
    // Nx reports any failing command as exit code 1; the trainer's own code (2) is in cli.test.ts.
    expect(resumed.exitCode).not.toBe(0);
    expect(resumed.all).toMatch(/--resume: the run in .* is already complete; nothing to resume\./);
  }, 10 * MINUTES);

  it('your own IDX files: --data idx --images --labels --classes', async () => {
    const count = 600;
    const side = 8;
    const labels = Int32Array.from({ length: count }, (_, i) => i % 2);
    // Class 1 is bright, class 0 dark: learnable, so the run is an ordinary one.
    const pixels = Uint8Array.from({ length: count * side * side }, (_, p) => (labels[Math.floor(p / (side * side))] === 1 ? 200 : 30));
    const images = join(root, 'images.idx');
    const labelFile = join(root, 'labels.idx');
    writeFileSync(images, encodeIdxImages({ count, rows: side, cols: side, pixels }));
    writeFileSync(labelFile, encodeIdxLabels(labels));
    const out = join(root, 'idx');
    const result = await nxTrain([
      ...['--preset', 'smoke', '--config', configFile, '--data', 'idx', '--images', images, '--labels', labelFile, '--classes', 'dark,bright'],
      ...['--selector', 'uniform', '--steps', '2', '--eval-every', '2', '-b', '16', '--no-energy', '--no-dashboard', '--out', out],
    ]);
    expect(result.exitCode, result.all).toBe(0);
    expect(configOf(out)).toMatchObject({ task: 'idx', data: { images, labels: labelFile, classes: ['dark', 'bright'] }, batchSize: 16, steps: 2 });
  }, 10 * MINUTES);

  it('your own image-text data: every flag of task files', async () => {
    // 40 gray 16 x 16 PNGs listed in CSV files with unusual column names, a score and a label.
    const data = join(root, 'own-data');
    mkdirSync(join(data, 'images'), { recursive: true });
    const rows = ['img,cap,sc,label'];
    for (let i = 0; i < 40; i++) {
      const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 6 * i, g: 100, b: 200 - 4 * i } } }).png().toBuffer();
      writeFileSync(join(data, 'images', `${i}.png`), png);
      rows.push(`images/${i}.png,a ${i % 2 === 0 ? 'red' : 'blue'} square number ${i},${i / 40},${i % 2}`);
    }
    for (const name of ['pool', 'reference', 'test']) writeFileSync(join(data, `${name}.csv`), `${rows.join('\n')}\n`);
    writeFileSync(join(data, 'words.txt'), ['<pad>', '<unk>', 'a', 'red', 'blue', 'square'].join('\n'));
    const common = ['--preset', 'smoke', '--config', configFile, '--steps', '2', '--eval-every', '2', '-b', '8', '--filter-ratio', '0.5', '--chunks', '2', '--no-energy', '--no-dashboard', '--overwrite'];
    const files = ['--image-size', '16', '--channels', '1', '--max-tokens', '6', '--score-column', 'sc', '--image-column', 'img', '--caption-column', 'cap', '--max-bad-fraction', '0.5'];
    const sources = join(root, 'own-sources');
    const first = await nxTrain([
      ...common,
      ...files,
      ...['--out', sources, '--train-data', join(data, 'pool.csv'), '--reference-data', join(data, 'reference.csv'), '--test-data', join(data, 'test.csv')],
      ...['--vocabulary-size', '3', '--pool-in-memory', '--classes', 'red,blue'],
    ]);
    expect(first.exitCode, first.all).toBe(0);
    expect(configOf(sources)).toMatchObject({
      task: 'files',
      data: {
        classes: ['red', 'blue'],
        files: {
          train: join(data, 'pool.csv'),
          reference: join(data, 'reference.csv'),
          test: join(data, 'test.csv'),
          imageSize: 16,
          channels: 1,
          vocabularySize: 3,
          maxTokens: 6,
          scoreColumn: 'sc',
          imageColumn: 'img',
          captionColumn: 'cap',
          maxBadFraction: 0.5,
          poolInMemory: true,
        },
      },
    });
    const splits = join(root, 'own-splits');
    const second = await nxTrain([
      ...common,
      ...files,
      ...['--out', splits, '--train-data', join(data, 'pool.csv'), '--reference-split', '0.2', '--test-split', '0.25', '--vocabulary', join(data, 'words.txt')],
    ]);
    expect(second.exitCode, second.all).toBe(0);
    expect(second.all).toMatch(/data files: pool 22, reference 8, test 10/);
    expect(configOf(splits)).toMatchObject({ data: { files: { referenceSplit: 0.2, testSplit: 0.25, vocabulary: join(data, 'words.txt') } } });
  }, 5 * MINUTES);

  it("--help in a terminal shows Sieve's train help after Nx's own", async () => {
    // Nx prints the target's help only when stdout is a terminal; `script` gives the command one.
    const result = await execa('script', ['-qec', 'npx nx run trainer:train --help', '/dev/null'], { cwd: repoRoot, env: nxEnv, reject: false, timeout: 2 * MINUTES });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Usage: sieve train \[options\]/);
    expect(result.stdout).toMatch(/-b, --train-batch-size <b>/);
    expect(result.stdout).toMatch(/Selectors:[\s\S]*cascade/);
  }, 3 * MINUTES);

  it('no flag that --help shows is left out of the tests above', () => {
    const noHandlers = {} as Parameters<typeof buildProgram>[0];
    const train = buildProgram({ ...noHandlers, selectorHelp: '' }).commands.find((command) => command.name() === 'train')!;
    const documented = train.options.filter((option) => !option.hidden).map((option) => option.long!);
    expect(documented.length).toBeGreaterThan(20);
    expect(documented.filter((flag) => !flagsGiven.has(flag))).toEqual([]);
  });
});
