/**
 * A store prepared in parts and merged is byte for byte the store one process prepares, even when
 * keys repeat across parts (including a key whose first sample did not decode), when bad samples
 * fall on both sides of a part boundary, and when more than three samples share a skip reason (the
 * tally keeps the first three examples in the source's order).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { prepareStore, storeLocation, type PrepareStoreOptions } from './prepare-store';
import { checkShardCount, mergeParts, partDone, preparePart, type ShardedPreparation } from './sharded-prepare';
import { resolveSource } from './sources';
import { png, writeTar } from '../testing';
import { STORE_FILES } from './store-layout';

afterAll(removeTempDirs);

const colours = ['#f00', '#0f0', '#00f', '#ff0', '#0ff', '#f0f'];

/** Five shards; the comments say what each holds beyond good samples. */
async function writeShards(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const good = async (key: string, i: number): Promise<Array<[string, Uint8Array | string]>> => [
    [`${key}.png`, await png(colours[i % colours.length])],
    [`${key}.txt`, `sample ${key} colour ${i % colours.length}`],
  ];
  const broken: Array<[string, Uint8Array | string]> = [['broken.png', Buffer.from('<html>not an image</html>')], ['broken.txt', 'a page']];
  // 0: good a0..a3, then "broken" (not an image), then a caption with no image.
  await writeTar(join(dir, '00000.tar'), [...(await Promise.all(['a0', 'a1', 'a2', 'a3'].map(good))).flat(), ...broken, ['lonely.txt', 'no image']]);
  // 1: a1 again (a duplicate of a kept key, in another part), "broken" again (its first did not decode), good b0, b1.
  await writeTar(join(dir, '00001.tar'), [...(await good('a1', 9)), ['broken.png', await png('#123')], ['broken.txt', 'now fine'], ...(await Promise.all(['b0', 'b1'].map(good))).flat()]);
  // 2: four empty captions (more than three examples of one reason), then c0.
  await writeTar(join(dir, '00002.tar'), [
    ...(await Promise.all(['e0', 'e1', 'e2', 'e3'].map(async (key): Promise<Array<[string, Uint8Array | string]>> => [[`${key}.png`, await png('#888')], [`${key}.txt`, ' . ']]))).flat(),
    ...(await good('c0', 3)),
  ]);
  // 3: b0 (kept in part 1), d0, b0 again (so the part itself holds a duplicate too).
  await writeTar(join(dir, '00003.tar'), [...(await good('b0', 1)), ...(await good('d0', 4)), ...(await good('b0', 2))]);
  // 4: good f0, f1.
  await writeTar(join(dir, '00004.tar'), (await Promise.all(['f0', 'f1'].map(good))).flat());
}

const options = (cacheDir: string): PrepareStoreOptions => ({ cacheDir, field: '--train-data', imageSize: 4, channels: 3 });

async function shardedStore(shardsDir: string, cacheDir: string, shards: number): Promise<string> {
  const source = await resolveSource(shardsDir, '--train-data');
  const plan: ShardedPreparation = { version: 1, source, location: await storeLocation(source, options(cacheDir)), options: options(cacheDir), shards };
  // Parts out of order, as an array job may run them.
  for (const part of Array.from({ length: shards }, (_, k) => shards - 1 - k)) await preparePart(plan, part);
  expect(Array.from({ length: shards }, (_, k) => partDone(plan, k))).toEqual(Array(shards).fill(true));
  await mergeParts(plan);
  return plan.location.dir;
}

describe('a store prepared in parts', () => {
  it('is byte for byte the store one process prepares, at 2, 3 and 5 parts', async () => {
    const root = tempDir('sieve-sharded-');
    await writeShards(join(root, 'shards'));
    const single = await prepareStore(await resolveSource(join(root, 'shards'), '--train-data'), options(join(root, 'single')));
    // What one process keeps and skips, worked out from the shards above: 20 items; kept a0-a3, b0,
    // b1, c0, d0, f0, f1; the second "broken" decodes but is a duplicate of the first, which did not.
    expect(single.manifest.count).toBe(10);
    expect(single.manifest.skipped).toEqual({
      'not-an-image': { count: 1, examples: ['broken'] },
      'missing-image': { count: 1, examples: ['lonely'] },
      'duplicate-key': { count: 4, examples: ['a1', 'broken', 'b0'] },
      'empty-caption': { count: 4, examples: ['e0', 'e1', 'e2'] },
    });
    expect(single.manifest.seen).toBe(20);
    const keys = readFileSync(join(single.dir, STORE_FILES.records), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { key: string }).key);
    expect(keys).toEqual(['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'c0', 'd0', 'f0', 'f1']);
    for (const shards of [2, 3, 5]) {
      const dir = await shardedStore(join(root, 'shards'), join(root, `parts-${shards}`), shards);
      for (const file of [STORE_FILES.pixels, STORE_FILES.records, STORE_FILES.words]) {
        expect(readFileSync(join(dir, file)).equals(readFileSync(join(single.dir, file))), `${file} at ${shards} parts`).toBe(true);
      }
      const { seconds: _a, ...merged } = JSON.parse(readFileSync(join(dir, STORE_FILES.manifest), 'utf8')) as Record<string, unknown>;
      const { seconds: _b, ...one } = single.manifest as unknown as Record<string, unknown>;
      expect(merged).toEqual(one);
    }
  });

  it('refuses more parts than the source has files, naming the flag', async () => {
    const root = tempDir('sieve-sharded-');
    await writeShards(join(root, 'shards'));
    const source = await resolveSource(join(root, 'shards'), '--train-data');
    expect(() => checkShardCount(source, 6, '--shards')).toThrow(/--shards: .* is 5 files, .* give at most 5 shards/);
    try {
      checkShardCount(source, 0, '--shards');
    } catch (error) {
      expect(isUserInputError(error)).toBe(true);
    }
  });
});
