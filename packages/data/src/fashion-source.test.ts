import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserInputError } from '@sieve/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fashionMnistFolder, fashionSourceKey, readFashionMnistJson } from './fashion-source';
import { writeFashionJsonFolder } from './testing/fashion-json-folder';
import { syntheticImages } from './testing/synthetic-images';

const images = syntheticImages({ classCount: 10, imagesPerClass: 4 });
let root: string;
let folder: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sieve-fashion-source-'));
  folder = join(root, 'clothes');
  await writeFashionJsonFolder(folder, images, 10, {
    0: [[], []], // like the real package's class 0
    3: [new Array(783).fill(0), new Array(785).fill(0), [...new Array(783).fill(0), 'x'], [...new Array(783).fill(0), 300], null, {}],
  });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readFashionMnistJson', () => {
  it('decodes every 784-value entry, class by class, and counts the rest as dropped', async () => {
    const decoded = await readFashionMnistJson(folder);
    // 2 empty entries in class 0 + 6 malformed ones in class 3.
    expect(decoded.droppedEntries).toBe(8);
    expect(decoded).toEqual({ ...images, droppedEntries: 8 });
  });

  it('rounds fractional intensities', async () => {
    const fractional = join(root, 'fractional');
    await writeFashionJsonFolder(fractional, images, 10);
    await writeFile(join(fractional, '0.json'), JSON.stringify({ data: [new Array(784).fill(12.6)] }));
    const decoded = await readFashionMnistJson(fractional);
    expect(decoded.pixels[0]).toBe(13);
    expect(decoded.labels[0]).toBe(0);
  });

  it('names the file that is missing or not JSON', async () => {
    const broken = join(root, 'broken');
    await writeFashionJsonFolder(broken, images, 10);
    await writeFile(join(broken, '4.json'), '{"data": [[1, 2');
    await expect(readFashionMnistJson(broken)).rejects.toThrow(UserInputError);
    await expect(readFashionMnistJson(broken)).rejects.toThrow(/4\.json: is not valid JSON/);
    await writeFile(join(broken, '4.json'), '{"images": []}');
    await expect(readFashionMnistJson(broken)).rejects.toThrow(/no "data" array/);
    await expect(readFashionMnistJson(join(root, 'absent'))).rejects.toThrow(/0\.json: cannot be read/);
  });
});

describe('fashionSourceKey', () => {
  it('changes when a class file changes size', async () => {
    const changing = join(root, 'changing');
    await writeFashionJsonFolder(changing, images, 10);
    const before = await fashionSourceKey(changing);
    expect(await fashionSourceKey(changing)).toBe(before);
    await writeFile(join(changing, '9.json'), JSON.stringify({ data: [] }));
    expect(await fashionSourceKey(changing)).not.toBe(before);
  });
});

describe('fashionMnistFolder', () => {
  it('finds the installed npm package', () => {
    expect(existsSync(join(fashionMnistFolder(), '0.json'))).toBe(true);
  });
});
