import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_CACHE_MAGIC, readImageCache, writeImageCache } from './image-cache';
import { syntheticImages } from './testing/synthetic-images';

const images = { ...syntheticImages({ classCount: 3, imagesPerClass: 5 }), droppedEntries: 2 };
const key = 'fixture source 1';
let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sieve-cache-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function damaged(name: string, damage: (bytes: Buffer) => Buffer): Promise<string> {
  const file = join(folder, name);
  await writeImageCache(file, images, key);
  await writeFile(file, damage(await readFile(file)));
  return file;
}

describe('image cache', () => {
  it('round-trips images, labels and the dropped count, leaving no temporary file', async () => {
    const file = join(folder, 'nested', 'dir', 'images.bin');
    await writeImageCache(file, images, key);
    expect(await readImageCache(file, key)).toEqual({ images });
    expect(await readdir(join(folder, 'nested', 'dir'))).toEqual(['images.bin']);
    // 32-byte header + key + 15 labels + 15 x 784 pixels
    expect((await readFile(file)).length).toBe(32 + key.length + 15 + 15 * 784);
  });

  it('replaces an existing cache', async () => {
    const file = join(folder, 'replaced.bin');
    await writeImageCache(file, images, 'old');
    const other = syntheticImages({ classCount: 2, imagesPerClass: 3, seed: 9 });
    await writeImageCache(file, other, key);
    expect(await readImageCache(file, key)).toEqual({ images: other });
  });

  it('reports a missing cache as missing', async () => {
    expect(await readImageCache(join(folder, 'absent.bin'), key)).toEqual({ missing: true, problem: 'no cache yet' });
  });

  it('rejects caches made from other sources, of another format, cut short or corrupted', async () => {
    const file = join(folder, 'good.bin');
    await writeImageCache(file, images, key);
    expect(await readImageCache(file, 'other source')).toEqual({ missing: false, problem: 'made from other source files' });

    const problemOf = async (name: string, damage: (bytes: Buffer) => Buffer) =>
      ((await readImageCache(await damaged(name, damage), key)) as { problem: string }).problem;
    expect(await problemOf('magic.bin', (b) => Buffer.concat([Buffer.from('NOTCACHE'), b.subarray(8)]))).toBe('not a Sieve image cache');
    expect(await problemOf('empty.bin', () => Buffer.alloc(0))).toBe('not a Sieve image cache');
    expect(
      await problemOf('version.bin', (b) => {
        b.writeUInt32LE(99, 8);
        return b;
      }),
    ).toBe('format version 99, expected 1');
    expect(await problemOf('short.bin', (b) => b.subarray(0, b.length - 1))).toMatch(/bytes, expected/);
    expect(
      await problemOf('flipped.bin', (b) => {
        b[b.length - 1] ^= 0xff;
        return b;
      }),
    ).toBe('checksum mismatch');
  });

  it('starts with the magic bytes', async () => {
    const file = join(folder, 'magic-check.bin');
    await writeImageCache(file, images, key);
    expect((await readFile(file)).toString('latin1', 0, 8)).toBe(IMAGE_CACHE_MAGIC);
  });
});
