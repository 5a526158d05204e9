import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_CACHE_FILE, loadFashionImages } from './fashion-images';
import { writeFashionJsonFolder } from './testing/fashion-json-folder';
import { syntheticImages } from './testing/synthetic-images';

const images = syntheticImages({ classCount: 10, imagesPerClass: 3 });
let root: string;
let source: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sieve-fashion-images-'));
  source = join(root, 'clothes');
  await writeFashionJsonFolder(source, images, 10, { 0: [[]] });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadFashionImages', () => {
  it('decodes the JSON and writes the cache the first time, reads the cache the second', async () => {
    const cacheDir = join(root, 'cache-a');
    const first = await loadFashionImages(cacheDir, source);
    expect(first).toMatchObject({ fromCache: false, warnings: [], cacheFile: join(cacheDir, FASHION_CACHE_FILE) });
    const second = await loadFashionImages(cacheDir, source);
    expect(second.fromCache).toBe(true);
    expect(second.warnings).toEqual([]);
    expect(second.images).toEqual(first.images);
    expect(second.images).toEqual({ ...images, droppedEntries: 1 });
  });

  it('rebuilds a corrupted cache, with a warning, and the rebuilt cache is good', async () => {
    const cacheDir = join(root, 'cache-b');
    const { cacheFile } = await loadFashionImages(cacheDir, source);
    const bytes = await readFile(cacheFile);
    bytes[bytes.length - 100] ^= 0x55;
    await writeFile(cacheFile, bytes);
    const rebuilt = await loadFashionImages(cacheDir, source);
    expect(rebuilt.fromCache).toBe(false);
    expect(rebuilt.warnings).toEqual([expect.stringMatching(/rebuilding the image cache .*checksum mismatch/)]);
    expect(rebuilt.images.pixels).toEqual(images.pixels);
    expect((await loadFashionImages(cacheDir, source)).fromCache).toBe(true);
  });

  it('rebuilds when the source files change', async () => {
    const cacheDir = join(root, 'cache-c');
    const changed = join(root, 'changed');
    await writeFashionJsonFolder(changed, images, 10);
    await loadFashionImages(cacheDir, changed);
    const fewer = syntheticImages({ classCount: 10, imagesPerClass: 2, seed: 4 });
    await writeFashionJsonFolder(changed, fewer, 10);
    const reloaded = await loadFashionImages(cacheDir, changed);
    expect(reloaded.fromCache).toBe(false);
    expect(reloaded.images).toEqual(fewer);
  });

  it('still loads, with a warning, when the cache cannot be written', async () => {
    const blocked = join(root, 'not-a-folder');
    await writeFile(blocked, 'a file where the cache folder should be');
    const load = await loadFashionImages(blocked, source);
    expect(load.images.count).toBe(30);
    expect(load.warnings).toEqual([expect.stringMatching(/could not write the image cache.*data.cacheDir/)]);
  });
});
