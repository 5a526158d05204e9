import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { PRESETS } from './presets';
import { deepMerge, resolveRunConfig } from './run-config';

afterAll(removeTempDirs);

function expectUserError(run: () => unknown, field: RegExp, problem?: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).field).toMatch(field);
    if (problem) expect((error as UserInputError).problem).toMatch(problem);
    return;
  }
  throw new Error('expected a UserInputError');
}

describe('resolveRunConfig', () => {
  it('takes the preset, then the file, then the flags', () => {
    const dir = tempDir('sieve-config-');
    const file = join(dir, 'run.yaml');
    writeFileSync(file, 'steps: 77\nbatchSize: 32\nreference:\n  steps: 5\n');
    const config = resolveRunConfig({ preset: 'smoke', configFile: file, flags: { batchSize: 16, out: 'x' } });
    expect(config.steps).toBe(77); // file over preset
    expect(config.batchSize).toBe(16); // flag over file
    expect(config.reference.steps).toBe(5); // nested file value
    expect(config.reference.batchSize).toBe(PRESETS.smoke.reference.batchSize); // nested preset value kept
    expect(config.evalEvery).toBe(PRESETS.smoke.evalEvery);
    expect(config.out).toBe('x');
  });

  it('takes the preset named in the file unless --preset is given', () => {
    const dir = tempDir('sieve-config-');
    const file = join(dir, 'run.yaml');
    writeFileSync(file, 'preset: smoke\nsteps: 9\n');
    expect(resolveRunConfig({ configFile: file, flags: {} }).batchSize).toBe(PRESETS.smoke.batchSize);
    expect(resolveRunConfig({ preset: 'default', configFile: file, flags: {} }).batchSize).toBe(PRESETS.default.batchSize);
  });

  it('reads JSON files and picks a default run folder', () => {
    const dir = tempDir('sieve-config-');
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify({ selector: 'uniform', seed: 3 }));
    const config = resolveRunConfig({ preset: 'default', configFile: file, flags: {} });
    expect(config.selector).toBe('uniform');
    expect(config.out).toMatch(/^runs\/\d{8}-\d{6}-uniform-seed3$/);
  });

  it('names the flag and the fix for out-of-range values', () => {
    expectUserError(() => resolveRunConfig({ flags: { filterRatio: 1 } }), /--filter-ratio/, /between 0 and 1/);
    expectUserError(() => resolveRunConfig({ flags: { filterRatio: 0 } }), /--filter-ratio/);
    expectUserError(() => resolveRunConfig({ flags: { steps: 0 } }), /--steps/, /above 0/);
    expectUserError(() => resolveRunConfig({ flags: { steps: -5 } }), /--steps/);
    expectUserError(() => resolveRunConfig({ flags: { task: 'nope' as never } }), /--task/, /fashion-captions/);
    expectUserError(() => resolveRunConfig({ flags: { backend: 'tpu' as never } }), /--backend/, /wasm/);
    expectUserError(() => resolveRunConfig({ preset: 'huge', flags: {} }), /--preset/, /smoke, default/);
    // Your own data's settings are named by their flags too.
    const files = (settings: Record<string, unknown>) => ({ task: 'files' as const, data: { files: { train: 'shards/', ...settings } } }) as never;
    expectUserError(() => resolveRunConfig({ flags: files({ imageSize: 100 }) }), /^--image-size \(data\.files\.imageSize\)$/, /<=64/);
    expectUserError(() => resolveRunConfig({ flags: files({ channels: 2 }) }), /^--channels \(data\.files\.channels\)$/, /must be 3 \(RGB\) or 1 \(gray\)/);
    expectUserError(() => resolveRunConfig({ flags: files({ testSplit: 1 }) }), /^--test-split/);
  });

  it('names the file and the setting for unknown or bad settings in a config file', () => {
    const dir = tempDir('sieve-config-');
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ stpes: 10 }));
    expectUserError(() => resolveRunConfig({ configFile: typo, flags: {} }), /typo\.json/, /stpes/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "steps": ');
    expectUserError(() => resolveRunConfig({ configFile: broken, flags: {} }), /--config/, /not valid JSON/);
    expectUserError(() => resolveRunConfig({ configFile: join(dir, 'missing.yaml'), flags: {} }), /--config/, /ENOENT/);
  });
});

describe('deepMerge', () => {
  it('merges objects key by key and replaces arrays and values', () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, d: [1, 2], e: 1 }, { a: { c: 3 }, d: [9], e: undefined })).toEqual({
      a: { b: 1, c: 3 },
      d: [9],
      e: 1,
    });
  });
});
