import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfig } from '@sieve/core';
import { writingCache } from './reference-cache-access';

function configWith(reference: { cacheDir?: string } = {}): RunConfig {
  return runConfigSchema.parse({ steps: 1, batchSize: 8, filterRatio: 0.8, chunks: 2, seed: 1, evalEvery: 1, out: 'unused', reference });
}

describe('writingCache', () => {
  const dir = join('cache', 'reference', '0123456789abcdef');

  it('a full disk while writing names the cache, its own setting and the fix', async () => {
    // A full disk cannot be had in a test: the error is Node's, as a write to one raises it.
    const full = Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', path: join(dir, 'model', 'weights.bin') });
    await expect(writingCache(dir, configWith({ cacheDir: 'cache/reference' }), () => Promise.reject(full))).rejects.toMatchObject({
      name: 'UserInputError',
      field: 'reference.cacheDir',
      problem: `cannot write the reference model's cache folder ${dir}: no space left on the device holding ${join(dir, 'model', 'weights.bin')} (ENOSPC); free space there, or set reference.cacheDir in a config file to a folder on another disk.`,
    });
  });

  it('passes any other error through unchanged, and the result when nothing fails', async () => {
    const bug = new TypeError('not a filesystem error');
    await expect(writingCache(dir, configWith(), () => Promise.reject(bug))).rejects.toBe(bug);
    await expect(writingCache(dir, configWith(), () => Promise.resolve(7))).resolves.toBe(7);
  });
});
