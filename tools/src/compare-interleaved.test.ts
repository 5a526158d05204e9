import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_FILES, isUserInputError } from '@sieve/core';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';
import { readRun } from '@sieve/trainer/analysis';
import { point } from '@sieve/trainer/testing';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../..');

/** A run folder whose points.jsonl holds `steps`, in that order, as two processes writing it at once leave it. */
function runFolder(steps: number[]): string {
  const dir = tempDir('sieve-compare-');
  writeFileSync(join(dir, RUN_FILES.config), JSON.stringify({ selector: 'uniform', seed: 0, task: 'fashion-captions', batchSize: 128, steps: 30, model: {} }));
  writeFileSync(join(dir, RUN_FILES.points), steps.map((step) => `${JSON.stringify(point(step, step / 100))}\n`).join(''));
  return dir;
}

const INTERLEAVED = [10, 20, 10, 20, 30, 30];

describe('tools:compare on a run folder two processes wrote', () => {
  it('refuses points whose steps do not rise, naming the file, the line and the two steps', () => {
    const dir = runFolder(INTERLEAVED);
    let error: unknown;
    try {
      readRun(dir);
    } catch (thrown) {
      error = thrown;
    }
    expect(isUserInputError(error) && error.field).toBe(join(dir, RUN_FILES.points));
    expect(isUserInputError(error) && error.problem).toMatch(/^line 3 is step 10, after step 20 on line 2; .* two processes probably wrote this folder at once\./);
    expect(readRun(runFolder([10, 20, 30])).points.map((p) => p.step)).toEqual([10, 20, 30]);
  });

  it('exits with 2 and the message from the command line', async () => {
    const dir = runFolder(INTERLEAVED);
    const outcome = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/src/compare-cli.ts', '--runs', dir], {
      cwd: repoRoot,
      env: withoutColorSettings(),
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`error: ${join(dir, RUN_FILES.points)}: line 3 is step 10, after step 20 on line 2;`);
  });
});
