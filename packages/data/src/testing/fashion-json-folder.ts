import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabelledImages } from '../types';

/**
 * For tests: writes images in the npm package's layout, `<folder>/<c>.json` =
 * `{"data": [[784 values], ...]}`, with `malformedEntries[c]` appended to class c's list.
 * Images must be 28 x 28.
 */
export async function writeFashionJsonFolder(
  folder: string,
  images: LabelledImages,
  classCount: number,
  malformedEntries: Record<number, unknown[]> = {},
): Promise<void> {
  await mkdir(folder, { recursive: true });
  const pixelsPerImage = images.side * images.side;
  for (let classIndex = 0; classIndex < classCount; classIndex++) {
    const entries: unknown[] = [];
    images.labels.forEach((label, image) => {
      if (label === classIndex) entries.push(Array.from(images.pixels.subarray(image * pixelsPerImage, (image + 1) * pixelsPerImage)));
    });
    entries.push(...(malformedEntries[classIndex] ?? []));
    await writeFile(join(folder, `${classIndex}.json`), JSON.stringify({ data: entries }));
  }
}
