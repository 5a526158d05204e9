import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFashionJsonFolder } from './fashion-json-folder';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('writeFashionJsonFolder', () => {
  it("writes one {data: [...]} file per class, in the npm package's layout", async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sieve-fixture-'));
    folders.push(folder);
    // Images 0 and 2 are class 1, image 1 is class 0; each 1x1.
    const images = { count: 3, side: 1, pixels: Uint8Array.from([10, 20, 30]), labels: Int32Array.from([1, 0, 1]), droppedEntries: 0 };
    await writeFashionJsonFolder(folder, images, 3, { 2: [[]] });
    const read = async (c: number) => JSON.parse(await readFile(join(folder, `${c}.json`), 'utf8'));
    expect(await read(0)).toEqual({ data: [[20]] });
    expect(await read(1)).toEqual({ data: [[10], [30]] });
    expect(await read(2)).toEqual({ data: [[]] });
  });
});
