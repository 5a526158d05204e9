import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_FILES, Rng, parsePoints, type BenchmarkPoint } from '@sieve/core';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';
import { encodeIdxImages, encodeIdxLabels } from '@sieve/data';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../../..');
const mainScript = join(repoRoot, 'packages/trainer/src/main.ts');
// One process (tsx's own binary would run the script in a child that a kill does not reach).
const node = [process.execPath, '--import', 'tsx'] as const;

/** Runs the real CLI in a child process, as a user would. */
/** The trainer's environment: CI, and no FORCE_COLOR beside a user's NO_COLOR (Node would warn on stderr). */
const childEnv = { ...withoutColorSettings(), CI: 'true' };

async function sieve(args: string[]) {
  return execa(node[0], [...node.slice(1), mainScript, ...args], { cwd: repoRoot, reject: false, env: childEnv, extendEnv: false, timeout: 120_000 });
}

function freshOut(): string {
  return join(tempDir('sieve-cli-'), 'run');
}

describe('sieve train: bad input', () => {
  const cases: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'unknown selector', args: ['--selector', 'nope'], message: /--selector: unknown selector "nope"\. Valid selectors: .*jest.*uniform/ },
    { name: 'unknown task', args: ['--task', 'imagenet'], message: /--task.*imagenet.*fashion-captions/ },
    { name: 'unknown backend', args: ['--backend', 'tpu'], message: /--backend.*tpu.*wasm/ },
    { name: 'filter ratio 1', args: ['--filter-ratio', '1'], message: /--filter-ratio.*between 0 and 1/ },
    { name: 'filter ratio 0', args: ['--filter-ratio', '0'], message: /--filter-ratio/ },
    { name: 'b not divisible by n', args: ['--train-batch-size', '30', '--chunks', '16'], message: /(--chunks|--train-batch-size).*divisible/ },
    { name: 'non-positive steps', args: ['--steps', '0'], message: /--steps.*above 0/ },
    { name: 'steps not a number', args: ['--steps', 'ten'], message: /--steps takes a whole number/ },
  ];
  for (const { name, args, message } of cases) {
    it(`${name}: one clear message, exit code 2, no output folder`, async () => {
      const out = freshOut();
      const result = await sieve(['train', '--preset', 'smoke', '--out', out, ...args]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(out)).toBe(false);
    });
  }

  it('an unwritable --out: exit code 2 naming it', async () => {
    const root = tempDir('sieve-cli-');
    writeFileSync(join(root, 'a-file'), 'x');
    const result = await sieve(['train', '--preset', 'smoke', '--out', join(root, 'a-file', 'run')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--out: cannot create .*a-file is a file/);
  });

  it('a 300-character --out name: exit code 2, one line naming --out and the limit, nothing created', async () => {
    const root = tempDir('sieve-cli-');
    const result = await sieve(['train', '--preset', 'smoke', '--out', join(root, 'runs', 'r'.repeat(300))]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: --out: cannot write the run folder: the path .*r{300} is too long for the filesystem \(300 characters in one name; a name may have at most 255 bytes\) \(ENAMETOOLONG\); choose a shorter --out\.$/),
    ]);
    expect(readdirSync(root)).toEqual([]);
  });

  it('nx run trainer:train with a config file of three wrong types: exit code 2 listing each with the file', async () => {
    const root = tempDir('sieve-cli-');
    const settings = join(root, 'settings.yaml');
    writeFileSync(settings, 'steps: ten\nfilterRatio: most\nevaluation:\n  testLimit: all\n');
    const nxEnv = { ...childEnv, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
    const result = await execa('npx', ['nx', 'run', 'trainer:train', '--config', settings, '--seed', '2', '--out', join(root, 'run')], {
      cwd: repoRoot,
      env: nxEnv,
      extendEnv: false,
      reject: false,
      timeout: 300_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, output).not.toBe(0);
    expect(output).toContain(`error: ${settings}: 3 settings are invalid:`);
    expect(output).toContain(`  ${settings}: steps: must be a whole number above 0; Invalid input: expected number, received string (got "ten")`);
    expect(output).toContain(`  ${settings}: filterRatio: must be strictly between 0 and 1`);
    expect(output).toContain(`  ${settings}: evaluation.testLimit: Invalid input: expected number, received string (got "all")`);
    expect(output).not.toMatch(/--steps|\n\s+at /); // no flag the user never passed, no stack trace
    expect(existsSync(join(root, 'run'))).toBe(false);
  }, 300_000);

  it('mismatched IDX files: exit code 2 naming the files, nothing written', async () => {
    const root = tempDir('sieve-cli-');
    const images = join(root, 'images.idx');
    const labels = join(root, 'labels.idx');
    writeFileSync(images, encodeIdxImages({ count: 5, rows: 4, cols: 4, pixels: new Uint8Array(5 * 4 * 4) }));
    writeFileSync(labels, encodeIdxLabels(Int32Array.from([0, 1, 0, 1])));
    const out = join(root, 'run');
    const result = await sieve(['train', '--preset', 'smoke', '--data', 'idx', '--images', images, '--labels', labels, '--classes', 'a,b', '--out', out]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/labels|images/);
    expect(result.stderr).toMatch(/5.*4|4.*5/);
    expect(existsSync(out)).toBe(false);
  });

  it('--help lists the flags and the selectors, the oracle marked', async () => {
    const result = await sieve(['train', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/--filter-ratio/);
    expect(result.stdout).toMatch(/jest/);
    expect(result.stdout).toMatch(/oracle-clean.*benchmark reference/);
  });
});

describe('sieve train: faults inside a run', () => {
  // One decoded-data cache for these runs, outside the working tree.
  const dataCache = join(tempDir('sieve-cli-cache-'), 'cache');
  it('a learning rate of 1e30: one line naming the step and the loss, exit code 1, status failed, points kept', async () => {
    const root = tempDir('sieve-cli-');
    const config = join(root, 'settings.json');
    writeFileSync(config, JSON.stringify({ optimizer: { learningRate: 1e30, warmupSteps: 0 }, data: { cacheDir: dataCache } }));
    const out = join(root, 'run');
    const result = await sieve(['train', '--preset', 'smoke', '--config', config, '--selector', 'uniform', '--eval-every', '1', '--no-energy', '--out', out]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^failed: step (\d+), (training|checkpoint): .*(NaN|Infinity|diverged).*lower optimizer\.learningRate.* Kept in .*: every point up to step \d+/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const failedAt = Number(/failed: step (\d+)/.exec(result.stderr)![1]);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ status: 'failed', steps: failedAt - 1, failure: { step: failedAt } });
    const steps = readFileSync(join(out, 'points.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).step);
    expect(steps).toEqual(Array.from({ length: failedAt - 1 }, (_, i) => i + 1));
  }, 180_000);

  it('a plugin returning duplicates: one line naming the plugin, the selector and the step, exit code 1, resumable once fixed', async () => {
    const root = tempDir('sieve-cli-');
    const plugin = join(root, 'dup-plugin.mjs');
    // A plain-JavaScript plugin; from step 3 on it returns index 0 b times.
    const writePlugin = (broken: boolean) =>
      writeFileSync(
        plugin,
        `const factory = { name: 'dup', summary: 'test plugin', create: () => ({ name: 'dup', async select(context) {
          const broken = ${broken} && context.step >= 3;
          return { indices: Int32Array.from({ length: context.batchSize }, (_, i) => (broken ? 0 : i)) };
        } }) };
        export default { id: 1, load(options) { options.bind(Symbol.for('sieve.SelectorFactory')).toConstantValue(factory); } };\n`,
      );
    writePlugin(true);
    const out = join(root, 'run');
    const config = join(root, 'settings.json');
    writeFileSync(config, JSON.stringify({ data: { cacheDir: dataCache } }));
    const result = await sieve(['train', '--preset', 'smoke', '--config', config, '--plugin', plugin, '--selector', 'dup', '--steps', '6', '--eval-every', '2', '--no-energy', '--out', out]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(
      new RegExp(`^failed: step 3, selection: selector "dup" \\(plugin ${plugin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) returned 0 twice; .* Fix the plugin and resume the run\\. Kept in .*: every point up to step 2`),
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);

    writePlugin(false);
    const resumed = await sieve(['train', '--resume', out]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resumed from the checkpoint at step 2/);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ status: 'completed', steps: 6, failure: null });
  }, 180_000);
});

describe('sieve train --resume', () => {
  const dataCache = join(tempDir('sieve-cli-cache-'), 'cache');
  function settingsFile(): string {
    const file = join(tempDir('sieve-cli-'), 'settings.json');
    writeFileSync(file, JSON.stringify({ data: { cacheDir: dataCache } }));
    return file;
  }
  /** The points written whole so far: a run may be half-way through appending the next line. */
  const pointsOf = (out: string) => parsePoints(readFileSync(join(out, RUN_FILES.points), 'utf8'), RUN_FILES.points).points;
  /** What a resumed run must reproduce exactly: everything but the clocks and the joules. */
  const metrics = (p: BenchmarkPoint) => [
    p.step,
    p.trainLoss,
    p.score,
    p.flopsTotal,
    p.selection.makeUp,
  ];

  it('killed with SIGKILL at three random moments and resumed each time: the same points as an uninterrupted run, none missing or repeated', async () => {
    const settings = settingsFile();
    const args = (out: string) => ['train', '--preset', 'smoke', '--config', settings, '--steps', '240', '--eval-every', '20', '--selector', 'jest', '--no-energy', '--out', out];
    const whole = freshOut();
    expect((await sieve(args(whole))).exitCode).toBe(0);

    const out = freshOut();
    const rng = new Rng(7);
    let child = execa(node[0], [...node.slice(1), mainScript, ...args(out)], { cwd: repoRoot, reject: false, env: childEnv, extendEnv: false });
    for (const afterPoints of [2, 5, 8]) {
      // Kill it (no chance to clean up) a random moment after its k-th point: mid-step, mid-point or mid-checkpoint.
      while (!existsSync(join(out, RUN_FILES.points)) || pointsOf(out).length < afterPoints) {
        if (child.exitCode !== null) throw new Error(`the run ended early: ${String((await child).stderr)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, rng.nextFloat() * 400));
      child.kill('SIGKILL');
      await child;
      child = execa(node[0], [...node.slice(1), mainScript, 'train', '--resume', out, '--no-energy'], { cwd: repoRoot, reject: false, env: childEnv, extendEnv: false });
    }
    const last = await child;
    expect(last.exitCode, String(last.stderr)).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ status: 'completed', steps: 240 });
    expect(pointsOf(out).map(metrics)).toEqual(pointsOf(whole).map(metrics));
  }, 300_000);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: finishes the step, writes a point, a checkpoint and the summary, says how to resume, exit code ${code}`, async () => {
      const out = freshOut();
      const args = ['train', '--preset', 'smoke', '--config', settingsFile(), '--steps', '2000', '--eval-every', '50', '--selector', 'uniform', '--no-energy', '--out', out];
      const child = execa(node[0], [...node.slice(1), mainScript, ...args], { cwd: repoRoot, reject: false, env: childEnv, extendEnv: false });
      while (!existsSync(join(out, 'checkpoint', 'state.json'))) {
        if (child.exitCode !== null) throw new Error(`the run ended early: ${String((await child).stderr)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill(signal);
      const result = await child;
      expect(result.exitCode).toBe(code);
      expect(result.stdout).toMatch(new RegExp(`carry on with: nx run trainer:train --resume ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.status).toBe('stopped');
      // The point and the checkpoint are at the step it stopped on.
      expect(pointsOf(out).at(-1)!.step).toBe(summary.steps);
      expect(JSON.parse(readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8')).step).toBe(summary.steps);
      expect(summary.steps).toBeLessThan(2000);
    }, 180_000);
  }

  it('refuses other settings, a folder that is not a run, and a finished run', async () => {
    const out = freshOut();
    const notRun = await sieve(['train', '--resume', out]);
    expect(notRun.exitCode).toBe(2);
    expect(notRun.stderr).toMatch(/--resume: .* is not a run folder/);
    const withFlags = await sieve(['train', '--resume', out, '--steps', '5']);
    expect(withFlags.exitCode).toBe(2);
    expect(withFlags.stderr).toMatch(/--resume: a resumed run keeps its own settings; drop --steps/);
  }, 60_000);
});
