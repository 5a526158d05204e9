/**
 * A run folder on a disk that fills up mid-run, for real: a 5 MiB tmpfs holds one checkpoint of
 * the smoke model (3 MiB) but not the staging copy of the next. Mounting needs root (and the
 * capability to mount); elsewhere the test is skipped, saying why.
 */
import { execa, execaSync } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_FILES, parsePoints } from '@sieve/core';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';

const repoRoot = resolve(import.meta.dirname, '../../..');
const mainScript = join(repoRoot, 'packages/trainer/src/main.ts');
const childEnv = { ...withoutColorSettings(), CI: 'true' };

const mountPoint = join(tempDir('sieve-disk-full-'), 'disk');
mkdirSync(mountPoint);
const mounted = execaSync('mount', ['-t', 'tmpfs', '-o', 'size=5m', 'tmpfs', mountPoint], { reject: false });
const cannotMount = mounted.exitCode === 0 ? null : `cannot mount a tmpfs here (${String(mounted.stderr).trim() || 'not root'}); run as root to test a full disk`;

afterAll(() => {
  if (!cannotMount) execaSync('umount', [mountPoint], { reject: false });
  removeTempDirs();
});

function sieve(args: string[]) {
  return execa(process.execPath, ['--import', 'tsx', mainScript, ...args], { cwd: repoRoot, reject: false, env: childEnv, extendEnv: false, timeout: 180_000 });
}

describe.skipIf(cannotMount !== null)(`a full disk under --out${cannotMount ? ` (skipped: ${cannotMount})` : ''}`, () => {
  it('stops the run failed at the checkpoint that does not fit, naming the file and the fix, points kept; after space is freed --resume completes it', async () => {
    const settings = join(tempDir('sieve-disk-full-'), 'settings.json');
    writeFileSync(settings, JSON.stringify({ data: { cacheDir: join(tempDir('sieve-disk-full-'), 'cache') } }));
    const out = join(mountPoint, 'run');
    const result = await sieve(['train', '--preset', 'smoke', '--config', settings, '--selector', 'uniform', '--steps', '8', '--eval-every', '2', '--no-energy', '--out', out]);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^failed: step 4, checkpoint: no space left on the device holding .*run\/checkpoint.* \(ENOSPC\); free space \(or choose another --out \/ cache folder\), then resume\. Kept in .*: every point up to step 4 and the checkpoint at step 2\.$/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at |unexpected failure/);
    expect(JSON.parse(readFileSync(join(out, RUN_FILES.summary), 'utf8'))).toMatchObject({ status: 'failed', failure: { step: 4, phase: 'checkpoint' } });

    execaSync('mount', ['-o', 'remount,size=64m', mountPoint]);
    const resumed = await sieve(['train', '--resume', out, '--no-energy']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const steps = parsePoints(readFileSync(join(out, RUN_FILES.points), 'utf8'), RUN_FILES.points).points.map((p) => p.step);
    expect(steps).toEqual([2, 4, 6, 8]);
  }, 240_000);
});
