import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserInputError } from '@sieve/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdxImages, encodeIdxLabels, readIdxImages, readIdxLabels } from './idx';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sieve-idx-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function fileOf(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, bytes);
  return path;
}

// Three 2x2 images with pixel values 0..11.
const images = { count: 3, rows: 2, cols: 2, pixels: Uint8Array.from({ length: 12 }, (_, k) => k) };

describe('IDX files', () => {
  it('writes the header MNIST uses: magic, then big-endian dimensions', () => {
    const bytes = encodeIdxImages(images);
    // 00 00 08 03 | 00 00 00 03 | 00 00 00 02 | 00 00 00 02 | 12 pixels
    expect(Array.from(bytes.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2]);
    expect(bytes.length).toBe(16 + 12);
    expect(Array.from(encodeIdxLabels([7, 1]))).toEqual([0, 0, 8, 1, 0, 0, 0, 2, 7, 1]);
  });

  it('reads back what it wrote, plain or gzip-compressed', async () => {
    for (const gzip of [false, true]) {
      const imagePath = await fileOf(`images-${gzip}`, encodeIdxImages(images, gzip));
      const labelPath = await fileOf(`labels-${gzip}`, encodeIdxLabels([9, 0, 255], gzip));
      expect(await readIdxImages(imagePath)).toEqual(images);
      expect(await readIdxLabels(labelPath)).toEqual(Int32Array.from([9, 0, 255]));
    }
  });

  it('names a missing file', async () => {
    await expect(readIdxImages(join(folder, 'absent'), 'data.images')).rejects.toThrow(/data.images: .*absent does not exist/);
  });

  it('refuses the wrong magic number, and says when the two files are swapped', async () => {
    const labels = await fileOf('swapped', encodeIdxLabels([1, 2, 3]));
    await expect(readIdxImages(labels, 'data.images')).rejects.toThrow(/magic number 0x00000801, expected 0x00000803.*swapped/);
    const text = await fileOf('text', Buffer.from('hello, world'));
    const error = await readIdxLabels(text, 'data.labels').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).field).toBe('data.labels');
    expect((error as UserInputError).problem).toMatch(/not an IDX label file/);
  });

  it('refuses truncated files and files longer than their header says', async () => {
    const full = encodeIdxImages(images);
    await expect(readIdxImages(await fileOf('tiny', full.subarray(0, 3)))).rejects.toThrow(/truncated: 3 bytes/);
    await expect(readIdxImages(await fileOf('header', full.subarray(0, 10)))).rejects.toThrow(/shorter than its 16-byte header/);
    await expect(readIdxImages(await fileOf('data', full.subarray(0, 20)))).rejects.toThrow(/promises 12 bytes of data, the file has 4/);
    await expect(readIdxImages(await fileOf('long', Buffer.concat([full, Buffer.from([1, 2])])))).rejects.toThrow(/2 bytes more/);
  });

  it('refuses a gzip file that does not decompress', async () => {
    const broken = encodeIdxImages(images, true).subarray(0, 20);
    await expect(readIdxImages(await fileOf('broken.gz', broken), 'data.images')).rejects.toThrow(/gzip-compressed but does not decompress/);
  });
});
