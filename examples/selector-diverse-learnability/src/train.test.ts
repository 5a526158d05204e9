/**
 * The plugin as a user runs it: the real `nx run trainer:train`, loading this folder with
 * `--plugin`, on the smoke preset, with the data cache and the run folder outside the working tree.
 */
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@sieve/core/testing';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../../..');
const nxEnv = { CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };

describe('nx run trainer:train --plugin ./examples/selector-diverse-learnability', () => {
  it('trains the smoke preset with --selector diverse-learnability and reports its diagnostics', async () => {
    const root = tempDir('sieve-diverse-learnability-');
    const config = join(root, 'cache.json');
    writeFileSync(config, JSON.stringify({ data: { cacheDir: join(root, 'cache') } }));
    const out = join(root, 'run');
    const args = ['--plugin', './examples/selector-diverse-learnability', '--selector', 'diverse-learnability', '--preset', 'smoke'];
    const result = await execa('npx', ['nx', 'run', 'trainer:train', ...args, '--config', config, '--out', out, '--no-dashboard'], {
      cwd: repoRoot,
      env: nxEnv,
      reject: false,
      all: true,
      timeout: 5 * 60_000,
    });
    expect(result.exitCode, result.all).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ status: 'completed', steps: 60 });
    const points = readFileSync(join(out, 'points.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(points.map((point) => point.step)).toEqual([30, 60]);
    for (const { selection } of points) {
      expect(selection.diagnostics.redundantShareOfPool).toBeGreaterThan(0);
      expect(selection.diagnostics.redundantShareOfPool).toBeLessThan(1);
      // Copies never outnumber the rest in what it trains on.
      expect(selection.diagnostics.redundantShareChosen).toBeLessThan(0.5);
    }
  }, 6 * 60_000);
});
