import { chmodSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFsError } from './fs-errors';
import { removeTempDirs, tempDir } from './testing';

afterAll(removeTempDirs);

/** The error `work` throws; fails the test when it throws none. */
function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** An error as Node's fs raises it, for the conditions a test cannot bring about (a full disk, a quota). */
function errnoError(code: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, open '${path}'`), { code, syscall: 'open', ...(path ? { path } : {}) });
}

const runsAsRoot = process.getuid?.() === 0;

describe('describeFsError', () => {
  it('a name longer than 255 bytes: the path, its length and the limit, from a real mkdir', () => {
    const path = join(tempDir('sieve-fs-errors-'), 'r'.repeat(300));
    const described = describeFsError(thrownBy(() => mkdirSync(path)));
    expect(described).toEqual({
      code: 'ENAMETOOLONG',
      path,
      problem: `the path ${path} is too long for the filesystem (300 characters in one name; a name may have at most 255 bytes) (ENAMETOOLONG)`,
      fix: 'choose a shorter --out',
    });
  });

  it('a path below a file, and a folder opened as a file, from real calls', () => {
    const root = tempDir('sieve-fs-errors-');
    writeFileSync(join(root, 'file'), 'x');
    const below = describeFsError(thrownBy(() => mkdirSync(join(root, 'file', 'sub'))));
    expect(below).toMatchObject({ code: 'ENOTDIR', path: join(root, 'file', 'sub') });
    expect(below?.problem).toBe(`a part of ${join(root, 'file', 'sub')} is a file, not a folder (ENOTDIR)`);
    const folder = describeFsError(thrownBy(() => readFileSync(root)));
    expect(folder).toMatchObject({ code: 'EISDIR', problem: 'the file is a folder where a file was expected (EISDIR)' });
  });

  it.skipIf(runsAsRoot)('a folder without write permission, from a real open (skipped as root: root ignores permissions)', () => {
    const root = tempDir('sieve-fs-errors-');
    chmodSync(root, 0o500);
    try {
      const described = describeFsError(thrownBy(() => openSync(join(root, 'probe'), 'w')));
      expect(described).toMatchObject({ code: 'EACCES', path: join(root, 'probe'), problem: `permission denied on ${join(root, 'probe')} (EACCES)` });
      expect(described?.fix).toMatch(/writable/);
    } finally {
      chmodSync(root, 0o700);
    }
  });

  it('a full disk, a quota, a read-only filesystem, a denied operation and open-file limits', () => {
    expect(describeFsError(errnoError('ENOSPC', '/data/run/points.jsonl'))).toEqual({
      code: 'ENOSPC',
      path: '/data/run/points.jsonl',
      problem: 'no space left on the device holding /data/run/points.jsonl (ENOSPC)',
      fix: 'free space (or choose another --out / cache folder), then resume',
    });
    expect(describeFsError(errnoError('EDQUOT', '/home/u/run'))?.problem).toBe('your disk quota is used up on the device holding /home/u/run (EDQUOT)');
    expect(describeFsError(errnoError('EROFS', '/mnt/ro/run'))).toMatchObject({ problem: '/mnt/ro/run is on a read-only filesystem (EROFS)', fix: expect.stringMatching(/writable filesystem/) });
    expect(describeFsError(errnoError('EPERM', '/x'))?.problem).toBe('permission denied on /x (EPERM)');
    expect(describeFsError(errnoError('EMFILE'))).toEqual({
      code: 'EMFILE',
      path: undefined,
      problem: 'too many open files in this process (EMFILE)',
      fix: 'raise ulimit -n (e.g. ulimit -n 65536), then resume',
    });
    expect(describeFsError(errnoError('ENFILE'))?.fix).toMatch(/ulimit -n/);
  });

  it('a long path whose names are each short: its whole length', () => {
    const path = `/${'a/'.repeat(2100)}b`;
    expect(describeFsError(errnoError('ENAMETOOLONG', path))?.problem).toMatch(/\(4202 characters in all; a name may have at most 255 bytes\)/);
  });

  it('null for anything else: other codes, errors without a code, values that are not errors', () => {
    expect(describeFsError(thrownBy(() => readFileSync(join(tempDir('sieve-fs-errors-'), 'missing'))))).toBeNull(); // ENOENT
    expect(describeFsError(errnoError('ECONNRESET'))).toBeNull();
    expect(describeFsError(new Error('plain'))).toBeNull();
    expect(describeFsError('ENOSPC')).toBeNull();
    expect(describeFsError(null)).toBeNull();
    expect(describeFsError({ code: 28 })).toBeNull();
  });
});
