/**
 * The fingerprint input of a source: size and modification time of each of its files. A file
 * that cannot be stat'ed gets size and mtimeMs -1, as the reader skips it rather than failing.
 */
import { stat } from 'node:fs/promises';
import type { ResolvedSource } from './types';

export async function sourceFileStats(source: ResolvedSource): Promise<Array<{ path: string; size: number; mtimeMs: number }>> {
  return Promise.all(
    source.files.map(async (path) => {
      const stats = await stat(path).catch(() => null);
      return { path, size: stats ? stats.size : -1, mtimeMs: stats ? stats.mtimeMs : -1 };
    }),
  );
}
