/**
 * Strict resume, with the real command line: a run resumes only with the settings its checkpoint
 * was made with, a refused resume writes nothing, and a run killed before its first checkpoint
 * (here: while its reference model trains) resumes from step 0.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_FILES, parsePoints } from '@sieve/core';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../../..');
const mainScript = join(repoRoot, 'packages/trainer/src/main.ts');
const childEnv = { ...withoutColorSettings(), CI: 'true' };
const dataCache = join(tempDir('sieve-resume-cache-'), 'cache');

function sieve(args: string[]) {
  return execa(process.execPath, ['--import', 'tsx', mainScript, ...args], { cwd: repoRoot, reject: false, env: childEnv, extendEnv: false, timeout: 180_000 });
}

function settingsFile(settings: object = {}): string {
  const file = join(tempDir('sieve-resume-'), 'settings.json');
  writeFileSync(file, JSON.stringify({ data: { cacheDir: dataCache }, ...settings }));
  return file;
}

/** Every file of a folder with its size and modification time: what "nothing written" compares. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else files[path.slice(dir.length)] = `${stat.size}:${stat.mtimeMs}`;
    }
  };
  walk(dir);
  return files;
}

const pointSteps = (out: string) => parsePoints(readFileSync(join(out, RUN_FILES.points), 'utf8'), RUN_FILES.points).points.map((p) => p.step);

describe('sieve train --resume: strict', () => {
  it('an edited config.json (selector, steps, model.hiddenDim) is refused naming each field and both values; nothing is written', async () => {
    const out = join(tempDir('sieve-resume-'), 'run');
    // Stopped half-way by a plugin fault would need a plugin; a finished run whose summary is removed is a stopped run's folder.
    const first = await sieve(['train', '--preset', 'smoke', '--config', settingsFile(), '--selector', 'uniform', '--steps', '6', '--eval-every', '2', '--no-energy', '--out', out]);
    expect(first.exitCode, first.stderr).toBe(0);
    const configPath = join(out, RUN_FILES.config);
    const saved = JSON.parse(readFileSync(configPath, 'utf8'));
    writeFileSync(join(out, RUN_FILES.summary), JSON.stringify({ status: 'stopped' }));
    writeFileSync(configPath, JSON.stringify({ ...saved, selector: 'jest', steps: 4, model: { ...saved.model, hiddenDim: saved.model.hiddenDim * 2 } }, null, 2));
    const before = snapshot(out);

    const result = await sieve(['train', '--resume', out]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`--resume: ${configPath} no longer matches the settings the run was trained with:`);
    expect(result.stderr).toMatch(/ {2}model\.hiddenDim: \d+ in config\.json, \d+ in the checkpoint/);
    expect(result.stderr).toMatch(/ {2}selector: "jest" in config\.json, "uniform" in the checkpoint/);
    expect(result.stderr).toMatch(/ {2}steps: 4 in config\.json, 6 in the checkpoint/);
    expect(result.stderr).not.toMatch(/damaged|\n\s+at /);
    expect(snapshot(out)).toEqual(before);
  }, 180_000);

  it('killed with SIGKILL while its reference model trains (before any checkpoint): --resume trains from step 0 and removes the orphan staging folder', async () => {
    const root = tempDir('sieve-resume-');
    const out = join(root, 'run');
    // Its own reference cache, and a reference long enough to be killed in.
    const settings = settingsFile({ reference: { cacheDir: join(root, 'reference-cache'), steps: 800 } });
    const child = execa(process.execPath, ['--import', 'tsx', mainScript, 'train', '--preset', 'smoke', '--config', settings, '--selector', 'jest', '--steps', '6', '--eval-every', '2', '--no-energy', '--out', out], {
      cwd: repoRoot,
      reject: false,
      env: childEnv,
      extendEnv: false,
    });
    const eventsPath = join(out, RUN_FILES.events);
    while (!existsSync(eventsPath) || !readFileSync(eventsPath, 'utf8').includes('"phase":"reference-training"')) {
      if (child.exitCode !== null) throw new Error(`the run ended early: ${String((await child).stderr)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await child;
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
    // What a kill in the middle of a checkpoint's first save leaves.
    mkdirSync(join(out, 'checkpoint.tmp-99999'));

    const resumed = await sieve(['train', '--resume', out, '--no-energy']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/has no checkpoint yet .* training from step 0/);
    expect(resumed.stdout).toMatch(/removed checkpoint\.tmp-99999/);
    // The half-trained reference was never cached: it trains again.
    expect(resumed.stdout).toMatch(/training reference model/);
    expect(existsSync(join(out, 'checkpoint.tmp-99999'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, RUN_FILES.summary), 'utf8'))).toMatchObject({ status: 'completed', steps: 6 });
    expect(pointSteps(out)).toEqual([2, 4, 6]);
  }, 300_000);
});
