import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '@sieve/core';
import { UserInputError } from '@sieve/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdxImages, encodeIdxLabels } from './idx';
import { loadIdxImages } from './idx-images';

let folder: string;
let imagesPath: string;
let labelsPath: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sieve-idx-images-'));
  imagesPath = join(folder, 'images.gz');
  labelsPath = join(folder, 'labels');
  // Four 3x3 images labelled 0, 1, 2, 1.
  await writeFile(imagesPath, encodeIdxImages({ count: 4, rows: 3, cols: 3, pixels: new Uint8Array(36).fill(200) }, true));
  await writeFile(labelsPath, encodeIdxLabels([0, 1, 2, 1]));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const data = (overrides: Partial<RunConfig['data']>): RunConfig['data'] => ({
  images: imagesPath,
  labels: labelsPath,
  classes: ['zero', 'one', 'two'],
  noise: { clean: 0.4, duplicate: 0.1, mismatched: 0.3, junk: 0.2 },
  labelNoise: 0.4,
  cacheDir: folder,
  ...overrides,
});

async function problemWith(overrides: Partial<RunConfig['data']>): Promise<UserInputError> {
  const error = await loadIdxImages(data(overrides)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserInputError);
  return error as UserInputError;
}

describe('loadIdxImages', () => {
  it('reads matching image and label files', async () => {
    const { images, classNames } = await loadIdxImages(data({ classes: [' zero ', 'one', 'two', 'unused'] }));
    expect(images).toMatchObject({ count: 4, side: 3, droppedEntries: 0 });
    expect(Array.from(images.labels)).toEqual([0, 1, 2, 1]);
    expect(classNames).toEqual(['zero', 'one', 'two', 'unused']);
  });

  it('needs the three fields', async () => {
    expect((await problemWith({ images: undefined })).field).toBe('data.images');
    expect((await problemWith({ labels: undefined })).field).toBe('data.labels');
    expect((await problemWith({ classes: undefined })).field).toBe('data.classes');
    expect((await problemWith({ classes: [] })).field).toBe('data.classes');
  });

  it('needs a name for every label, and distinct non-blank names', async () => {
    const tooFew = await problemWith({ classes: ['zero', 'one'] });
    expect(tooFew.field).toBe('data.classes');
    expect(tooFew.problem).toMatch(/label 2 \(image 2\).*at least 3/);
    expect((await problemWith({ classes: ['a', 'A', 'b'] })).problem).toMatch(/both named/);
    expect((await problemWith({ classes: ['a', ' ', 'b'] })).problem).toMatch(/blank/);
  });

  it('refuses label files that do not match the image file', async () => {
    const shortLabels = join(folder, 'short-labels');
    await writeFile(shortLabels, encodeIdxLabels([0, 1, 2]));
    const mismatch = await problemWith({ labels: shortLabels });
    expect(mismatch.field).toBe('data.labels');
    expect(mismatch.problem).toMatch(/3 labels but .* 4 images/);
  });

  it('refuses non-square images', async () => {
    const wide = join(folder, 'wide');
    await writeFile(wide, encodeIdxImages({ count: 4, rows: 2, cols: 3, pixels: new Uint8Array(24) }));
    expect((await problemWith({ images: wide })).problem).toMatch(/2 x 3 images/);
  });
});
