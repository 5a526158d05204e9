/**
 * The streamed path and the store, proved against the in-memory task: fashion-captions exported as
 * PNG shards and trained from them (gray, 28 x 28, the exported vocabulary, the same seed) gives the
 * in-memory run's training loss, training and scoring FLOPs and selection make-up at every point,
 * for `uniform` and for the default `cascade` (whose reference trains on the exported curated set
 * and embeds the pool from the store). Only the evaluation differs: retrieval instead of zero-shot.
 * All through the real nx targets.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePoints, type BenchmarkPoint } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const nxEnv = { CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const MINUTES = 60_000;

let root: string;
let config: string;
let shards: string;

function nx(target: string, args: string[]) {
  return execa('npx', ['nx', 'run', `trainer:${target}`, ...args], { cwd: repoRoot, env: nxEnv, reject: false, timeout: 10 * MINUTES, all: true });
}

const pointsOf = (out: string): BenchmarkPoint[] => parsePoints(readFileSync(join(out, 'points.jsonl'), 'utf8'), out).points;

beforeAll(async () => {
  root = tempDir('sieve-equivalence-');
  config = join(root, 'settings.json');
  writeFileSync(config, JSON.stringify({ data: { cacheDir: join(root, 'cache') } }));
  shards = join(root, 'fashion');
  const exported = await nx('export-task', ['--format', 'webdataset', '--out', shards]);
  expect(exported.exitCode, exported.all).toBe(0);
}, 10 * MINUTES);

afterAll(removeTempDirs);

describe('fashion-captions from exported PNG shards against the in-memory task', () => {
  for (const selector of ['uniform', 'cascade']) {
    it(`${selector}: the same loss, FLOPs and make-up at every point of 200 steps`, async () => {
      const common = ['--config', config, '--selector', selector, '--steps', '200', '--eval-every', '50', '--seed', '1', '--no-energy', '--no-dashboard'];
      const inMemory = join(root, `${selector}-memory`);
      const fromFiles = join(root, `${selector}-files`);
      const memoryRun = await nx('train', [...common, '--out', inMemory]);
      expect(memoryRun.exitCode, memoryRun.all).toBe(0);
      const filesRun = await nx('train', [
        ...common,
        ...['--out', fromFiles, '--train-data', join(shards, 'train'), '--reference-data', join(shards, 'reference'), '--test-data', join(shards, 'test')],
        ...['--channels', '1', '--image-size', '28', '--vocabulary', join(shards, 'vocabulary.txt'), '--max-tokens', '9'],
      ]);
      expect(filesRun.exitCode, filesRun.all).toBe(0);
      const expected = pointsOf(inMemory);
      const actual = pointsOf(fromFiles);
      expect(actual.map((p) => p.step)).toEqual([50, 100, 150, 200]);
      expect(expected.map((p) => p.step)).toEqual([50, 100, 150, 200]);
      for (const [i, point] of actual.entries()) {
        const reference = expected[i];
        expect(Math.abs(point.trainLoss! - reference.trainLoss!), `loss at step ${point.step}`).toBeLessThan(1e-5);
        const { evaluation: _filesEvaluation, ...filesFlops } = point.flopsByPhase;
        const { evaluation: _memoryEvaluation, ...memoryFlops } = reference.flopsByPhase;
        expect(filesFlops).toEqual(memoryFlops);
        for (const [tag, share] of Object.entries(reference.selection.makeUp)) {
          expect(Math.abs(point.selection.makeUp[tag] - share), `${tag} at step ${point.step}`).toBeLessThan(1e-5);
        }
        // The files run is scored by retrieval, the in-memory one by zero-shot accuracy.
        expect(point.retrieval?.imageToText.at1).toBeGreaterThanOrEqual(0);
        expect(reference.retrieval).toBeUndefined();
      }
      if (selector === 'cascade') expect(actual.at(-1)!.flopsByPhase['reference-training']).toBeGreaterThan(0);
    }, 10 * MINUTES);
  }
});
