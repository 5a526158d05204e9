/**
 * What a script sees: the exit codes through `nx run trainer:train` (Nx turns every failure into
 * 1), through `npm run sieve --` and the target's own script (the trainer's codes), and what a
 * Ctrl-C to Nx's whole process group leaves behind.
 */
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_FILES } from '@sieve/core';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../../..');
const env = { ...withoutColorSettings(), CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const MINUTES = 60_000;

const ways = {
  nx: (args: string[]) => ['npx', ['nx', 'run', 'trainer:train', ...args]] as const,
  npm: (args: string[]) => ['npm', ['run', '-s', 'sieve', '--', 'train', ...args]] as const,
  script: (args: string[]) => ['packages/trainer/bin/sieve-train', args] as const,
};

describe('exit codes', () => {
  const bad = ['--preset', 'smoke', '--steps', '0'];
  for (const [way, code] of [['nx', 1], ['npm', 2], ['script', 2]] as const) {
    it(`a bad flag through ${way}: exit ${code}, the trainer's one line`, async () => {
      const out = join(tempDir('sieve-exit-'), 'run');
      const [command, args] = ways[way]([...bad, '--out', out]);
      const result = await execa(command, [...args], { cwd: repoRoot, env, extendEnv: false, reject: false, all: true, timeout: 3 * MINUTES });
      expect(result.exitCode).toBe(code);
      expect(result.all).toMatch(/error: --steps \(steps\): must be a whole number above 0/);
      expect(existsSync(out)).toBe(false);
    }, 4 * MINUTES);
  }

  it("Ctrl-C to Nx's process group: Nx exits 130 at once; the trainer still finishes its step, writes the summary (stopped) and logs the resume command in events.jsonl", async () => {
    const root = tempDir('sieve-exit-');
    const out = join(root, 'run');
    const settings = join(root, 'settings.json');
    writeFileSync(settings, JSON.stringify({ data: { cacheDir: join(root, 'cache') } }));
    const [command, args] = ways.nx(['--preset', 'smoke', '--config', settings, '--selector', 'uniform', '--steps', '100000', '--eval-every', '20', '--no-energy', '--out', out]);
    // Its own process group, as a terminal gives a command; the group gets the signal, as from Ctrl-C.
    const nx = execa(command, [...args], { cwd: repoRoot, env, extendEnv: false, reject: false, detached: true, all: true, timeout: 5 * MINUTES });
    while (!existsSync(join(out, 'checkpoint', 'state.json'))) {
      if (nx.exitCode !== null) throw new Error(`the run ended early: ${String((await nx).all)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-nx.pid!, 'SIGINT');
    const result = await nx;
    // npx re-raises the signal on itself, which a shell reports as 128 + 2 = 130 too.
    expect(result.exitCode ?? (result.signal === 'SIGINT' ? 130 : result.signal)).toBe(130);
    // The trainer outlives Nx by a step: its lock goes once the summary is written.
    const deadline = Date.now() + 60_000;
    while (existsSync(join(out, RUN_FILES.lock)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const summary = JSON.parse(readFileSync(join(out, RUN_FILES.summary), 'utf8'));
    expect(summary.status).toBe('stopped');
    expect(readFileSync(join(out, RUN_FILES.events), 'utf8')).toContain(`carry on with: nx run trainer:train --resume ${out}`);
  }, 6 * MINUTES);
});
