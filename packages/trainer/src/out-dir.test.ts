import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { checkOutDir, clearPreviousRun } from './out-dir';

afterAll(removeTempDirs);

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
