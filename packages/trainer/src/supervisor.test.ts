/**
 * The supervisor against plugins that misbehave for real: a select() whose promise never settles,
 * one that spins forever, one that allocates without bound under a small heap. Each is a real
 * child process running the real command line.
 */
import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_FILES, parsePoints } from '@sieve/core';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../../..');
const mainScript = join(repoRoot, 'packages/trainer/src/main.ts');
const childEnv = { ...withoutColorSettings(), CI: 'true' };
const dataCache = join(tempDir('sieve-supervisor-cache-'), 'cache');

/** A plain-JavaScript selector plugin "name": uniform (the first b candidates) until `fromStep`, then `misbehave`. */
function writePlugin(dir: string, name: string, fromStep: number, misbehave: string): string {
  const file = join(dir, `${name}-plugin.mjs`);
  writeFileSync(
    file,
    `const factory = { name: '${name}', summary: 'test plugin', create: () => ({ name: '${name}', async select(context) {
      if (context.step >= ${fromStep}) { ${misbehave} }
      return { indices: Int32Array.from({ length: context.batchSize }, (_, i) => i) };
    } }) };
    export default { id: 1, load(options) { options.bind(Symbol.for('sieve.SelectorFactory')).toConstantValue(factory); } };\n`,
  );
  return file;
}

const NEVER_SETTLES = 'await new Promise(() => {});';
const SPINS = 'for (;;) {}';
const ALLOCATES = 'const hoard = []; for (;;) hoard.push(new Array(1e5).fill(Math.random()));';

function startRun(args: string[], env: Record<string, string> = {}): ResultPromise {
  const settings = join(tempDir('sieve-supervisor-'), 'settings.json');
  writeFileSync(settings, JSON.stringify({ data: { cacheDir: dataCache } }));
  return execa(process.execPath, ['--import', 'tsx', mainScript, 'train', '--preset', 'smoke', '--config', settings, '--no-energy', ...args], {
    cwd: repoRoot,
    reject: false,
    env: { ...childEnv, ...env },
    extendEnv: false,
    timeout: 180_000,
    // execa follows a SIGTERM with a SIGKILL after 5 s by default; here the run itself must end the work.
    forceKillAfterDelay: false,
  });
}

function resumeRun(out: string): ResultPromise {
  return execa(process.execPath, ['--import', 'tsx', mainScript, 'train', '--resume', out, '--no-energy'], { cwd: repoRoot, reject: false, env: childEnv, extendEnv: false, timeout: 180_000 });
}

const pointSteps = (out: string) => parsePoints(readFileSync(join(out, RUN_FILES.points), 'utf8'), RUN_FILES.points).points.map((p) => p.step);
const summaryOf = (out: string) => JSON.parse(readFileSync(join(out, RUN_FILES.summary), 'utf8'));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Waits until the run has written a point at `step` or later. */
async function untilPoint(out: string, step: number, child: ResultPromise): Promise<void> {
  while (!existsSync(join(out, RUN_FILES.points)) || !pointSteps(out).some((s) => s >= step)) {
    if (child.exitCode !== null) throw new Error(`the run ended early: ${String((await child).stderr)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the supervisor', () => {
  it('a select() that never settles: stopped as stalled after --stall-seconds, one line naming the selector and the step, exit 1, summary failed, resumable once fixed', async () => {
    const root = tempDir('sieve-supervisor-');
    const plugin = writePlugin(root, 'hang', 5, NEVER_SETTLES);
    const out = join(root, 'run');
    const started = Date.now();
    const result = await startRun(['--plugin', plugin, '--selector', 'hang', '--steps', '8', '--eval-every', '2', '--stall-seconds', '3', '--out', out]);
    expect(result.exitCode, String(result.stderr)).toBe(1);
    expect(String(result.stderr).trim()).toMatch(
      new RegExp(`^failed: step 5, selection: selector "hang" \\(plugin ${escape(plugin)}\\) in select\\(\\) made no progress for [\\d.]+ s \\(the limit is \\d+ s: --stall-seconds 3, and at least 50x the median step of [\\d.]+ s\\); it never returned .* Kept in .*: every point up to step 4 and the checkpoint at step 4\\.$`),
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(summaryOf(out)).toMatchObject({ status: 'failed', steps: 4, failure: { step: 5, phase: 'selection' } });
    expect(pointSteps(out)).toEqual([2, 4]);

    writePlugin(root, 'hang', 1000, NEVER_SETTLES);
    const resumed = await resumeRun(out);
    expect(resumed.exitCode, String(resumed.stderr)).toBe(0);
    expect(summaryOf(out)).toMatchObject({ status: 'completed', steps: 8 });
    expect(pointSteps(out)).toEqual([2, 4, 6, 8]);
  }, 240_000);

  it('a select() that spins: the first Ctrl-C asks, the second ends the work at once; summary stopped, the resume command, exit 130', async () => {
    const root = tempDir('sieve-supervisor-');
    const plugin = writePlugin(root, 'spin', 5, SPINS);
    const out = join(root, 'run');
    const child = startRun(['--plugin', plugin, '--selector', 'spin', '--steps', '8', '--eval-every', '2', '--out', out]);
    await untilPoint(out, 4, child);
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1500));
    const secondAt = Date.now();
    child.kill('SIGINT');
    const result = await child;
    expect(Date.now() - secondAt).toBeLessThan(10_000);
    expect(result.exitCode, String(result.stderr)).toBe(130);
    expect(String(result.stdout)).toMatch(new RegExp(`carry on with: nx run trainer:train --resume ${escape(out)}`));
    expect(summaryOf(out)).toMatchObject({ status: 'stopped', steps: 4 });
  }, 240_000);

  it('a select() that spins, one SIGTERM: 10 s without a sign of life end the work; summary stopped, exit 143', async () => {
    const root = tempDir('sieve-supervisor-');
    const plugin = writePlugin(root, 'spin', 3, SPINS);
    const out = join(root, 'run');
    const child = startRun(['--plugin', plugin, '--selector', 'spin', '--steps', '8', '--eval-every', '2', '--out', out]);
    await untilPoint(out, 2, child);
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(143);
    expect(String(result.stdout)).toMatch(/no sign of life for 10 s after the stop request/);
    expect(summaryOf(out)).toMatchObject({ status: 'stopped', steps: 2 });
  }, 240_000);

  it('a select() that spins, no signal: stalled, exit 1, summary failed', async () => {
    const root = tempDir('sieve-supervisor-');
    const plugin = writePlugin(root, 'spin', 3, SPINS);
    const out = join(root, 'run');
    const result = await startRun(['--plugin', plugin, '--selector', 'spin', '--steps', '8', '--eval-every', '2', '--stall-seconds', '3', '--out', out]);
    expect(result.exitCode, String(result.stderr)).toBe(1);
    expect(String(result.stderr)).toMatch(/^failed: step 3, selection: selector "spin" .* made no progress/);
    expect(summaryOf(out)).toMatchObject({ status: 'failed', failure: { step: 3, phase: 'selection' } });
  }, 240_000);

  it('a select() that allocates without bound under a 400 MiB heap: one line, out of memory in select(), exit 1, summary failed', async () => {
    const root = tempDir('sieve-supervisor-');
    const plugin = writePlugin(root, 'hog', 3, ALLOCATES);
    const out = join(root, 'run');
    const result = await startRun(['--plugin', plugin, '--selector', 'hog', '--steps', '8', '--eval-every', '2', '--out', out], { NODE_OPTIONS: '--max-old-space-size=400' });
    expect(result.exitCode, String(result.stderr)).toBe(1);
    expect(String(result.stderr).trim()).toMatch(/^failed: step 3, selection: out of memory in selector "hog" \(plugin .*\) in select\(\): the heap reached its limit of \d+ MiB .*resume the run\. Kept in .*: every point up to step 2/);
    expect(String(result.stderr)).not.toMatch(/\n\s+at |FATAL|native stack/i);
    expect(summaryOf(out)).toMatchObject({ status: 'failed', steps: 2, failure: { step: 3, phase: 'selection' } });
  }, 240_000);

  it('one writer per run folder: a second run, a resume and an --overwrite of a live folder are refused with exit 2 naming its process; the live run is unharmed', async () => {
    const out = join(tempDir('sieve-supervisor-'), 'run');
    const live = startRun(['--selector', 'uniform', '--steps', '100000', '--eval-every', '20', '--out', out]);
    await untilPoint(out, 20, live);
    const pid = String(live.pid);
    for (const args of [['--out', out], ['--out', out, '--overwrite']]) {
      const second = await startRun(['--selector', 'uniform', '--steps', '40', ...args]);
      expect(second.exitCode).toBe(2);
      expect(String(second.stderr)).toMatch(new RegExp(`^error: ${args.includes('--overwrite') ? '--overwrite' : '--out'}: ${escape(out)} is in use by process ${pid} on `));
    }
    const resumed = await resumeRun(out);
    expect(resumed.exitCode).toBe(2);
    expect(String(resumed.stderr)).toMatch(new RegExp(`^error: --resume: ${escape(out)} is in use by process ${pid} `));
    live.kill('SIGINT');
    const ended = await live;
    expect(ended.exitCode, String(ended.stderr)).toBe(130);
    const steps = pointSteps(out);
    expect(steps).toEqual(steps.map((_, i) => (i + 1) * 20).map((s, i) => (i === steps.length - 1 ? steps.at(-1)! : s)));
    expect(summaryOf(out).status).toBe('stopped');
    expect(existsSync(join(out, RUN_FILES.lock))).toBe(false);
  }, 240_000);

  it('through nx run trainer:train, a select() that never settles ends non-zero with the failed line, never "Successfully ran"', async () => {
    const root = tempDir('sieve-supervisor-');
    const plugin = writePlugin(root, 'hang', 3, NEVER_SETTLES);
    const out = join(root, 'run');
    const settings = join(root, 'settings.json');
    writeFileSync(settings, JSON.stringify({ data: { cacheDir: dataCache } }));
    const result = await execa(
      'npx',
      ['nx', 'run', 'trainer:train', '--preset', 'smoke', '--config', settings, '--no-energy', '--plugin', plugin, '--selector', 'hang', '--steps', '6', '--eval-every', '2', '--stall-seconds', '3', '--out', out],
      { cwd: repoRoot, reject: false, all: true, env: { ...childEnv, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' }, extendEnv: false, timeout: 180_000 },
    );
    expect(result.exitCode).toBe(1);
    expect(String(result.all)).toMatch(/failed: step 3, selection: selector "hang" .* made no progress for [\d.]+ s \(the limit is \d+ s: --stall-seconds 3/);
    expect(String(result.all)).not.toMatch(/Successfully ran/);
    expect(summaryOf(out)).toMatchObject({ status: 'failed', failure: { step: 3 } });
  }, 240_000);
});
