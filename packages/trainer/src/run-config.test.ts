import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { PRESETS } from './presets';
import { deepMerge, resolveRunConfig, resumedRunConfig } from './run-config';

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

function userErrorOf(run: () => unknown): UserInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('resolveRunConfig', () => {
  it('names the default run folder after the resolved selector and seed, also when the preset leaves them to the defaults', () => {
    expect(resolveRunConfig({ flags: {} }).out).toMatch(/^runs\/\d{8}-\d{6}-cascade-seed0$/);
    expect(resolveRunConfig({ flags: { selector: 'jest', seed: 3 } }).out).toMatch(/^runs\/\d{8}-\d{6}-jest-seed3$/);
  });

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

  it('lists every invalid setting of a config file, each with the file and its path in it', () => {
    const file = join(tempDir('sieve-config-'), 'settings.yaml');
    writeFileSync(file, 'steps: ten\nbatchSize: 1.5\nfilterRatio: 2\ndata:\n  files:\n    train: shards/\n    imageSize: 100\n');
    const error = userErrorOf(() => resolveRunConfig({ configFile: file, flags: { task: 'files' } }));
    expect(error.field).toBe(file);
    expect(error.problem.split('\n')).toEqual([
      '4 settings are invalid:',
      `  ${file}: data.files.imageSize: Too big: expected number to be <=64 (got 100)`,
      `  ${file}: steps: must be a whole number above 0; Invalid input: expected number, received string (got "ten")`,
      `  ${file}: batchSize: must be a whole number above 0; Invalid input: expected int, received number (got 1.5)`,
      `  ${file}: filterRatio: must be strictly between 0 and 1 (e.g. 0.8 keeps 1 in 5 candidates); Too big: expected number to be <1 (got 2)`,
    ]);
    expect(error.message).toBe(`${file}: ${error.problem}`); // what the CLI prints after "error: "
  });

  it('names the flag for a bad value a flag gave over the file, and the file for the rest', () => {
    const file = join(tempDir('sieve-config-'), 'settings.json');
    writeFileSync(file, JSON.stringify({ steps: 'ten', seed: -1, evalEvery: 0 }));
    // --steps 5 replaces the file's bad steps; its own bad --filter-ratio is named by the flag.
    const error = userErrorOf(() => resolveRunConfig({ configFile: file, flags: { steps: 5, filterRatio: 1 } }));
    expect(error.field).toBe(`flags and ${file}`);
    expect(error.problem.split('\n')).toEqual([
      '3 settings are invalid:',
      expect.stringMatching(/^ {2}--filter-ratio \(filterRatio\): must be strictly between 0 and 1/),
      `  ${file}: seed: Too small: expected number to be >=0 (got -1)`,
      `  ${file}: evalEvery: must be a whole number above 0; Too small: expected number to be >0 (got 0)`,
    ]);
    // One bad setting from the file alone: the file and the path in it, never a flag not given.
    expectUserError(() => resolveRunConfig({ configFile: file, flags: { steps: 5, seed: 1 } }), new RegExp(`^${escape(file)}: evalEvery$`), /above 0/);
  });

  it('names the setting a file gave for a batch size the chunks do not divide', () => {
    const file = join(tempDir('sieve-config-'), 'settings.json');
    writeFileSync(file, JSON.stringify({ batchSize: 30 }));
    expectUserError(() => resolveRunConfig({ configFile: file, flags: {} }), new RegExp(`^${escape(file)}: batchSize$`), /divisible by the chunk count \(16\)/);
    expectUserError(() => resolveRunConfig({ flags: { batchSize: 30 } }), /^--train-batch-size \(batchSize\)$/, /divisible/);
  });

  it('names the file and its preset field for an unknown preset in a config file', () => {
    const file = join(tempDir('sieve-config-'), 'settings.json');
    writeFileSync(file, JSON.stringify({ preset: 'smok' }));
    expectUserError(() => resolveRunConfig({ configFile: file, flags: {} }), new RegExp(`^${escape(file)}: preset$`), /unknown preset "smok"\. Valid presets: smoke, default/);
    // A --preset flag wins over the file's, and is named when it is the unknown one.
    expect(resolveRunConfig({ preset: 'smoke', configFile: file, flags: {} }).steps).toBe(PRESETS.smoke.steps);
    expectUserError(() => resolveRunConfig({ preset: 'huge', configFile: file, flags: {} }), /^--preset$/, /"huge"/);
  });
});

describe('resumedRunConfig', () => {
  it("names the run's config.json and every invalid setting in it", () => {
    const run = join(tempDir('sieve-config-'), 'run');
    mkdirSync(run);
    const saved = resolveRunConfig({ preset: 'smoke', flags: { out: run } });
    writeFileSync(join(run, 'config.json'), JSON.stringify({ ...saved, steps: 0, model: { ...saved.model, imageTower: 'vit' } }));
    const error = userErrorOf(() => resumedRunConfig(run, {}));
    expect(error.field).toBe(join(run, 'config.json'));
    expect(error.problem).toMatch(new RegExp(`^2 settings are invalid:\n  ${escape(join(run, 'config.json'))}: steps: must be a whole number above 0`));
    expect(error.problem).toMatch(new RegExp(`\n  ${escape(join(run, 'config.json'))}: model\\.imageTower: Invalid option: expected one of "mlp"\\|"flexivit" \\(got "vit"\\)$`));
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
