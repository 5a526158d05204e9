import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { checkOutDir, clearPreviousRun } from './out-dir';

afterAll(removeTempDirs);

const runsAsRoot = process.getuid?.() === 0;

/** The UserInputError `work` throws; fails the test when it throws something else or nothing. */
function userErrorOf(work: () => unknown): UserInputError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

describe('checkOutDir', () => {
  it('accepts a new folder below a writable one and creates nothing', () => {
    const root = tempDir('sieve-out-');
    checkOutDir(join(root, 'a', 'b'), false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses a path below a file', () => {
    const root = tempDir('sieve-out-');
    writeFileSync(join(root, 'file'), 'x');
    expect(() => checkOutDir(join(root, 'file', 'run'), false)).toThrow(UserInputError);
    expect(() => checkOutDir(join(root, 'file'), false)).toThrow(/not a folder/);
  });

  it('accepts an existing empty folder and leaves it as it was', () => {
    const root = tempDir('sieve-out-');
    mkdirSync(join(root, 'run'));
    checkOutDir(join(root, 'run'), false);
    expect(readdirSync(join(root, 'run'))).toEqual([]);
  });

  it('refuses a 300-character folder name under --out, naming the limit, and creates nothing', () => {
    const root = tempDir('sieve-out-');
    const out = join(root, 'runs', 'r'.repeat(300));
    const error = userErrorOf(() => checkOutDir(out, false));
    expect(error.field).toBe('--out');
    expect(error.problem).toBe(
      `cannot write the run folder: the path ${out} is too long for the filesystem (300 characters in one name; a name may have at most 255 bytes) (ENAMETOOLONG); choose a shorter --out.`,
    );
    expect(readdirSync(root)).toEqual([]); // the probe removed the "runs" folder it made
  });

  it('refuses an --out below a file, also when the file is deeper in the path', () => {
    const root = tempDir('sieve-out-');
    writeFileSync(join(root, 'file'), 'x');
    expect(userErrorOf(() => checkOutDir(join(root, 'file', 'a', 'b'), false)).problem).toMatch(/file is a file, not a folder/);
  });

  it.skipIf(runsAsRoot)('refuses an --out in a folder without write permission (skipped as root: root ignores permissions)', () => {
    const root = tempDir('sieve-out-');
    const locked = join(root, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    try {
      const error = userErrorOf(() => checkOutDir(join(locked, 'run'), false));
      expect(error.field).toBe('--out');
      expect(error.problem).toMatch(/^cannot write the run folder: permission denied on .*locked.*\(EACCES\); choose an --out you can write to\.$/);
      expect(existsSync(join(locked, 'run'))).toBe(false);
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it('refuses a folder holding a previous run unless overwriting', () => {
    const root = tempDir('sieve-out-');
    mkdirSync(join(root, 'run'));
    writeFileSync(join(root, 'run', 'points.jsonl'), '{}\n');
    expect(() => checkOutDir(join(root, 'run'), false)).toThrow(/already holds a run/);
    expect(() => checkOutDir(join(root, 'run'), true)).not.toThrow();
  });

  it('clears every file of a previous run, its checkpoint too, and nothing else: not the lock that --overwrite holds', () => {
    const root = tempDir('sieve-out-');
    const run = join(root, 'run');
    mkdirSync(join(run, 'checkpoint', 'learner'), { recursive: true });
    for (const name of ['points.jsonl', 'summary.json', 'events.jsonl', 'config.json', 'energy.csv', 'notes.txt', 'run.lock']) writeFileSync(join(run, name), 'x');
    clearPreviousRun(run);
    expect(readdirSync(run).sort()).toEqual(['notes.txt', 'run.lock']);
  });
});
