/**
 * Reads the image file a list row names, relative to the list's folder unless absolute; null
 * when it does not exist or cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export async function readImageFile(path: string, folder: string): Promise<Uint8Array | null> {
  try {
    return await readFile(resolve(folder, path));
  } catch {
    return null;
  }
}
