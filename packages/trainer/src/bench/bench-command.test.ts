/**
 * The bench command as a user runs it: through the real Nx target, killed and run again, and
 * stopped with Ctrl-C (SIGINT to the whole process group, as a terminal sends it).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { fileSnapshot, removeTempDirs, tempDir } from '@sieve/core/testing';
import { benchGoals, type BenchGoals } from '../analysis';
import { lastStepOf } from './run-progress';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../../../..');
const mainScript = join(repoRoot, 'packages/trainer/src/main.ts');
const nxEnv = { CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const MINUTES = 60_000;

let root: string;
let config: string;
beforeAll(() => {
  root = tempDir('sieve-bench-command-');
  // One data cache for every bench of this file, outside the working tree.
  config = join(root, 'shared.json');
  writeFileSync(config, JSON.stringify({ data: { cacheDir: join(root, 'cache') } }));
});

function nxBench(args: string[]) {
  return execa('npx', ['nx', 'run', 'trainer:bench', ...args], { cwd: repoRoot, env: nxEnv, reject: false, timeout: 12 * MINUTES, all: true });
}

/** Every process below `pid` (children first found through ps), then `pid` itself. */
function processTree(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const below = (parent: number): number[] => table.filter(([, ppid]) => ppid === parent).flatMap(([child]) => [...below(child), child]);
  return [...below(pid), pid];
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5 * MINUTES): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const summaryStatus = (runDir: string) => {
  try {
    return (JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { status: string }).status;
  } catch {
    return null;
  }
};

describe('nx run trainer:bench', () => {
  it(
    'runs the bench-smoke protocol for every shipped selector and baseline over 3 seeds and writes every file',
    async () => {
      const out = join(root, 'full');
      const result = await nxBench(['--preset', 'bench-smoke', '--task', 'fashion-captions', '--jobs', '2', '--config', config, '--out', out]);
      expect(result.exitCode, result.all).toBe(0);
      const settings = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
      expect(settings).toMatchObject({ preset: 'bench-smoke', task: 'fashion-captions', seeds: [0, 1, 2] });
      const selectors: string[] = settings.selectors;
      expect(selectors).toEqual(expect.arrayContaining(['cascade', 'uniform', 'jest', 'flexi-jest', 'learnability', 'hard-negative', 'easy-reference', 'oracle-clean', 'offline-filter']));
      for (const selector of selectors) {
        for (const seed of [0, 1, 2]) expect(summaryStatus(join(out, 'runs', `${selector}-seed${seed}`))).toBe('completed');
      }
      for (const seed of [0, 1, 2]) expect(JSON.parse(readFileSync(join(out, 'references', `seed${seed}.json`), 'utf8')).trainingJoules).toBeGreaterThan(0);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      expect(results.comparison.selectors.map((s: { selector: string }) => s.selector)).toEqual(selectors);
      expect(results.runs).toHaveLength(selectors.length * 3);
      // --jobs is recorded per session and reported as the bench's parallelism.
      const sessionLines = readFileSync(join(out, 'sessions.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(sessionLines).toHaveLength(1);
      expect(sessionLines[0]).toMatchObject({ jobs: 2, seconds: expect.any(Number) });
      expect(results.parallelJobs).toBe(2);
      expect(results.systems.engineOverhead.steps).toBe(30);
      expect(results.systems.jestSelection[0]).toMatchObject({ superBatchSize: 1280, batchSize: 256 });
      expect(results.systems.stepProfile).toMatchObject({ superBatchSize: 640, batchSize: 128, repeats: 3 });
      expect(results.systems.stepProfile.milliseconds.trainingStep).toBeGreaterThan(0);
      for (const chart of ['score-steps', 'score-flops', 'score-joules', 'score-joules-with-reference', 'noise', 'make-up']) {
        expect(readFileSync(join(out, 'charts', `${chart}.svg`), 'utf8')).toMatch(/^<svg/);
      }
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toMatch(/<svg/);
      expect(html).not.toMatch(/<script|<link|src="http/); // self-contained
      const markdown = readFileSync(join(out, 'report.md'), 'utf8');
      expect(markdown).toContain('![Score against joules, without the reference](charts/score-joules.svg)');
      expect(markdown).toMatch(/\| offline-filter \| 3 \|/);
      expect(markdown).toMatch(/Wall time of the bench: [0-9.]+ min, 2 training processes at once\./);
      // The default selector's goals: what the goals make of the comparison the bench wrote, each
      // decided (every selector they name ran, with a meter), in the results, the report and the
      // printout alike. Their verdicts on known figures are checked in report-goals.test.ts.
      const goals = results.goals as BenchGoals;
      expect(goals).toEqual(benchGoals(results.comparison));
      expect(goals.selector).toBe('cascade');
      expect(goals.checks.map((check) => check.goal)).toEqual([
        'at least 4x fewer joules and FLOPs than uniform to the target, w/o reference',
        'at least 1.5x fewer joules and FLOPs than uniform to the target, with reference',
        "beats offline-filter beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules",
        "beats easy-reference beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules",
        "best score at least jest's",
      ]);
      expect(goals.checks.map((check) => typeof check.met)).toEqual(['boolean', 'boolean', 'boolean', 'boolean', 'boolean']);
      expect(markdown).toMatch(/## Goals\n\nWhat the default selector \(cascade\)/);
      for (const check of goals.checks) {
        const verdict = check.met ? 'met' : 'not met';
        expect(markdown).toContain(`| ${check.goal} | ${check.evidence} | ${verdict} |`);
        expect(result.all).toContain(`goal ${verdict}: ${check.goal} (${check.evidence})`);
      }
      expect(markdown).toMatch(/\| step profile, trainingStep \(N = 640, b = 128\) \| [0-9.]+ ms \(median of 3\) \|/);
      // No path of this machine in what is meant to be committed.
      for (const text of [markdown, html, JSON.stringify(results)]) expect(text).not.toContain(root);
      expect(result.all).toMatch(/report: .*report\.html/);
    },
    12 * MINUTES,
  );

  it(
    'killed mid-way and run again, it does not redo the finished runs and finishes the rest',
    async () => {
      const out = join(root, 'killed');
      const args = ['--preset', 'bench-smoke', '--selectors', 'uniform,jest', '--seeds', '1', '--jobs', '1', '--config', config, '--out', out];
      const first = spawn('npx', ['nx', 'run', 'trainer:bench', ...args], { cwd: repoRoot, env: { ...process.env, ...nxEnv }, stdio: 'ignore' });
      const uniformDir = join(out, 'runs', 'uniform-seed0');
      const jestDir = join(out, 'runs', 'jest-seed0');
      await waitFor(() => summaryStatus(uniformDir) === 'completed', 'the first run to finish');
      for (const pid of processTree(first.pid!)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // The unfinished run is only in its .partial folder: a folder under a run's name is a whole run.
      expect(existsSync(jestDir)).toBe(false);
      const finished = { run: fileSnapshot(uniformDir), references: fileSnapshot(join(out, 'references')) };

      const second = await nxBench(args);
      expect(second.exitCode, second.all).toBe(0);
      expect({ run: fileSnapshot(uniformDir), references: fileSnapshot(join(out, 'references')) }).toEqual(finished);
      expect(second.all).not.toMatch(/start {2}uniform-seed0/);
      expect(second.all).not.toMatch(/start {2}reference-seed0/);
      expect(summaryStatus(jestDir)).toBe('completed');
      expect(existsSync(join(out, 'results.json'))).toBe(true);
    },
    12 * MINUTES,
  );
});

describe('sieve bench, stopped with Ctrl-C', () => {
  it(
    'stops every run at a checkpoint, says how to carry on, and the same command finishes them',
    async () => {
      const out = join(root, 'interrupted');
      const longer = join(root, 'longer.json');
      // Long enough that the stop lands mid-run on a fast engine (a step can take 3 ms).
      writeFileSync(longer, JSON.stringify({ steps: 2000, evalEvery: 100, data: { cacheDir: join(root, 'cache') } }));
      const args = [mainScript, 'bench', '--preset', 'bench-smoke', '--selectors', 'uniform', '--seeds', '1', '--jobs', '1', '--config', longer, '--out', out];
      // Its own process group, like a terminal's foreground job; Ctrl-C signals the whole group.
      const bench = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, env: { ...process.env, ...nxEnv }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      bench.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      bench.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((r) => bench.on('exit', (code) => r(code)));
      // A run trains in its .partial folder and takes its own name once completed.
      const partialDir = join(out, 'runs', 'uniform-seed0.partial');
      const runDir = join(out, 'runs', 'uniform-seed0');
      await waitFor(() => (lastStepOf(partialDir) ?? 0) >= 110, 'the run to pass its first checkpoint');
      process.kill(-bench.pid!, 'SIGINT');
      expect(await exited, output).toBe(130);
      expect(output).toContain(
        'interrupted by SIGINT in the training phase (training the reference models and the runs); jobs running: uniform-seed0.\n' +
          'kept: 1 of 2 jobs finished, checkpoints of uniform-seed0; still to do: 1 job, the systems figures, the report.\n' +
          `carry on where it stopped: nx run trainer:bench --out ${out}`,
      );
      expect(summaryStatus(partialDir)).toBe('stopped');
      expect(existsSync(runDir)).toBe(false);
      const stoppedAt = JSON.parse(readFileSync(join(partialDir, 'summary.json'), 'utf8')).steps as number;
      expect(stoppedAt).toBeGreaterThan(100);
      expect(stoppedAt).toBeLessThan(2000);

      const again = await execa(process.execPath, ['--import', 'tsx', mainScript, 'bench', '--out', out], { cwd: repoRoot, env: nxEnv, reject: false, all: true });
      expect(again.exitCode, again.all).toBe(0);
      expect(again.all).toMatch(/start {2}uniform-seed0 \(resuming from its checkpoint\)/);
      expect(summaryStatus(runDir)).toBe('completed');
      expect(existsSync(partialDir)).toBe(false);
      expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).out).toBe(runDir);
      const steps = readFileSync(join(runDir, 'points.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { step: number }).step);
      // One point per 100 steps and the stop's own point, in order, none twice.
      expect(steps).toEqual([...new Set([...Array.from({ length: 20 }, (_, i) => 100 * (i + 1)), stoppedAt])].sort((a, b) => a - b));
    },
    8 * MINUTES,
  );

  it(
    'stopped while it measures the systems figures: says so, keeps every run, and the command it prints finishes the bench',
    async () => {
      const out = join(root, 'interrupted-systems');
      const args = [mainScript, 'bench', '--preset', 'bench-smoke', '--selectors', 'uniform', '--seeds', '1', '--jobs', '1', '--config', config, '--out', out];
      const bench = execa(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, env: nxEnv, detached: true, reject: false, all: true });
      let output = '';
      bench.all.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(() => output.includes('systems: engine overhead'), 'the systems phase to start');
      process.kill(-bench.pid!, 'SIGINT');
      const stopped = await bench;
      expect(stopped.exitCode, stopped.all).toBe(130);
      expect(stopped.all).toContain(
        'interrupted by SIGINT in the systems phase (measuring the systems figures); no job running.\n' +
          'kept: 2 of 2 jobs finished; still to do: the systems figures, the report.\n' +
          `carry on where it stopped: nx run trainer:bench --out ${out}`,
      );

      const again = await nxBench(['--out', out]);
      expect(again.exitCode, again.all).toBe(0);
      expect(again.all).not.toMatch(/start {2}/); // nothing is trained again
      expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).systems.engineOverhead.steps).toBe(30);
    },
    8 * MINUTES,
  );
});
