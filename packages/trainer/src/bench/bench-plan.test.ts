import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { userErrorField as fieldOf } from '@sieve/selection/testing';
import { checkpointDir, loadSelectorRegistry, type SelectorRegistry } from '@sieve/engine';
import { benchJobs, jobStateOnDisk, readManifest, resolveBenchSettings, writePlan, type BenchFlags } from './bench-plan';
import { benchLayout } from './bench-layout';

afterAll(removeTempDirs);

let registry: SelectorRegistry;
beforeAll(async () => {
  registry = await loadSelectorRegistry();
});

describe('resolveBenchSettings', () => {
  it('defaults to every installed selector, uniform first, 3 seeds from the config seed, on the bench preset', () => {
    const out = join(tempDir('sieve-bench-plan-'), 'b');
    const settings = resolveBenchSettings({}, registry, out);
    expect(settings.preset).toBe('bench');
    expect(settings.selectors[0]).toBe('uniform');
    expect([...settings.selectors].sort()).toEqual(registry.factories.map((f) => f.name).sort());
    expect(settings.selectors).toContain('offline-filter');
    expect(settings.seeds).toEqual([0, 1, 2]);
    expect(settings.runConfig).toMatchObject({ steps: 6000, batchSize: 128, evalEvery: 50, dashboard: false });
    // Every run reads the references this bench trains, never the user's cache.
    expect(settings.runConfig.reference.cacheDir).toBe(benchLayout(out).referenceCache);
  });

  it('puts uniform first in a given list, drops repeats, and refuses a list without it', () => {
    const out = join(tempDir('sieve-bench-plan-'), 'b');
    expect(resolveBenchSettings({ selectors: 'jest, uniform,jest' }, registry, out).selectors).toEqual(['uniform', 'jest']);
    expect(fieldOf(() => resolveBenchSettings({ selectors: 'jest' }, registry, out))).toBe('--selectors');
    expect(fieldOf(() => resolveBenchSettings({ selectors: 'uniform,nope' }, registry, out))).toBe('--selector');
    expect(fieldOf(() => resolveBenchSettings({ selectors: ' , ' }, registry, out))).toBe('--selectors');
  });

  it('refuses presets outside the protocol and seed counts below 1', () => {
    const out = join(tempDir('sieve-bench-plan-'), 'b');
    expect(fieldOf(() => resolveBenchSettings({ preset: 'smoke' }, registry, out))).toBe('--preset');
    expect(fieldOf(() => resolveBenchSettings({ seeds: 0 }, registry, out))).toBe('--seeds');
  });

  it("checks every selector's options against the bench's sizes before anything runs", () => {
    const root = tempDir('sieve-bench-plan-');
    const config = join(root, 'config.json');
    writeFileSync(config, JSON.stringify({ selectorOptions: { keep: 2 } }));
    expect(fieldOf(() => resolveBenchSettings({ selectors: 'uniform,offline-filter', config }, registry, join(root, 'b')))).toBe('selectorOptions.keep');
  });

  it('carries on a bench with its saved settings, and refuses flags that differ from them', async () => {
    const out = join(tempDir('sieve-bench-plan-'), 'b');
    const flags: BenchFlags = { preset: 'bench-smoke', selectors: 'uniform,jest', seeds: 2 };
    const settings = resolveBenchSettings(flags, registry, out);
    await writePlan(settings, benchLayout(out), benchJobs(settings, benchLayout(out)));
    // Only --out: the saved settings.
    expect(resolveBenchSettings({}, registry, out)).toEqual(settings);
    expect(resolveBenchSettings({ ...flags, jobs: 7 }, registry, out)).toEqual(settings);
    for (const [flag, changed] of [
      ['--seeds', { seeds: 3 }],
      ['--selectors', { selectors: 'uniform' }],
      ['--preset', { preset: 'bench' }],
    ] as const) {
      let message = '';
      try {
        resolveBenchSettings({ ...flags, ...changed }, registry, out);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(flag);
      expect(message).toMatch(/give the same flags \(or only --out\)/);
    }
  });
});

describe('benchJobs and jobStateOnDisk', () => {
  it('makes a reference job per seed and makes every run of a seed wait for it', () => {
    const out = join(tempDir('sieve-bench-plan-'), 'b');
    const settings = resolveBenchSettings({ preset: 'bench-smoke', selectors: 'uniform,jest', seeds: 2 }, registry, out);
    const jobs = benchJobs(settings, benchLayout(out));
    expect(jobs.map((job) => `${job.name}<-${job.dependsOn.join(',')}`)).toEqual([
      'reference-seed0<-',
      'reference-seed1<-',
      'uniform-seed0<-reference-seed0',
      'jest-seed0<-reference-seed0',
      'uniform-seed1<-reference-seed1',
      'jest-seed1<-reference-seed1',
    ]);
    expect(jobs[2].output).toBe(join(out, 'runs', 'uniform-seed0'));
    expect(jobs[0].output).toBe(join(out, 'references', 'seed0.json'));
    expect(jobs[0].workDir).toBeNull();
  });

  it('writes the jobs in order to the manifest, which an engine reads back by index', async () => {
    const out = join(tempDir('sieve-bench-plan-'), 'b');
    const settings = resolveBenchSettings({ preset: 'bench-smoke', selectors: 'uniform,jest', seeds: 2 }, registry, out);
    const jobs = benchJobs(settings, benchLayout(out));
    await writePlan(settings, benchLayout(out), jobs);
    expect(readManifest(out)).toEqual(jobs);
    // Every run's plan trains in its .partial folder.
    const plan = JSON.parse(readFileSync(jobs[3].configFile, 'utf8'));
    expect(plan).toMatchObject({ selector: 'jest', seed: 0, out: jobs[3].workDir });
    writeFileSync(benchLayout(out).manifest, '{"version": 9}');
    expect(fieldOf(() => readManifest(out))).toBe(benchLayout(out).manifest);
    expect(fieldOf(() => readManifest(join(out, 'nowhere')))).toBe('--bench');
  });

  it('reads a run as finished only from a completed summary under its own name, as resumable from a checkpoint in its .partial folder, else fresh', () => {
    const out = join(tempDir('sieve-bench-plan-'), 'b');
    const settings = resolveBenchSettings({ preset: 'bench-smoke', selectors: 'uniform', seeds: 1 }, registry, out);
    const [reference, run] = benchJobs(settings, benchLayout(out));
    const work = run.workDir!;
    expect(work).toBe(`${run.output}.partial`);
    expect(jobStateOnDisk(run)).toBe('fresh');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'config.json'), '{}');
    expect(jobStateOnDisk(run)).toBe('fresh'); // no checkpoint yet: start again
    mkdirSync(checkpointDir(work), { recursive: true });
    writeFileSync(join(checkpointDir(work), 'state.json'), '{}');
    expect(jobStateOnDisk(run)).toBe('resumable');
    writeFileSync(join(work, 'summary.json'), JSON.stringify({ status: 'stopped' }));
    expect(jobStateOnDisk(run)).toBe('resumable');
    // Completed but not renamed yet: the job is left to do the rename.
    writeFileSync(join(work, 'summary.json'), JSON.stringify({ status: 'completed' }));
    expect(jobStateOnDisk(run)).toBe('resumable');
    mkdirSync(run.output, { recursive: true });
    writeFileSync(join(run.output, 'summary.json'), '{"status": "compl'); // torn
    expect(jobStateOnDisk(run)).toBe('resumable');
    writeFileSync(join(run.output, 'summary.json'), JSON.stringify({ status: 'completed' }));
    expect(jobStateOnDisk(run)).toBe('finished');
    expect(jobStateOnDisk(reference)).toBe('fresh');
    mkdirSync(join(out, 'references'), { recursive: true });
    writeFileSync(reference.output, '{}');
    expect(jobStateOnDisk(reference)).toBe('finished');
  });
});
