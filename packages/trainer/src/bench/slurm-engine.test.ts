/**
 * The Slurm engine against real daemons: a private single-node cluster (munged, slurmctld,
 * slurmd) started in a temporary folder and stopped by PID afterwards. Where Slurm cannot start
 * (not installed, not root) every test here is skipped with the reason; CI installs Slurm and sets
 * SIEVE_REQUIRE_SLURM=1, so there a cluster that does not start fails the file instead.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { execa } from 'execa';
import { fileSnapshot, removeTempDirs, tempDir } from '@sieve/core/testing';
import { writeTar } from '@sieve/data/testing';
import { startLocalCluster, type LocalCluster } from '../slurm/local-cluster';
import { buildProgram } from '../cli';
import { FILES_FLAGS } from '../files/files-flags';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const nxEnv = { CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const MINUTES = 60_000;

let root: string;
let config: string;
let cluster: LocalCluster | null = null;
let reason = '';

beforeAll(async () => {
  root = tempDir('sieve-slurm-');
  config = join(root, 'shared.json');
  writeFileSync(config, JSON.stringify({ data: { cacheDir: join(root, 'cache') } }));
  // Task ids 0 to 3 only: the sweeps below fit, and one shard more shows the limit.
  const started = await startLocalCluster(join(root, 'cluster'), { maxArraySize: 4 });
  if ('reason' in started) {
    reason = started.reason;
    if (process.env.SIEVE_REQUIRE_SLURM === '1') throw new Error(`SIEVE_REQUIRE_SLURM is set, but ${reason}`);
    console.warn(`Slurm engine tests skipped: ${reason}`);
  } else {
    cluster = started;
  }
}, MINUTES);

afterAll(async () => {
  await cluster?.stop();
  removeTempDirs();
});

function needSlurm(context: TestContext): LocalCluster {
  if (!cluster) context.skip(reason);
  return cluster!;
}

/** Every long flag given to Nx by this file's tests, by command, to check none of `--help`'s is left out. */
const flagsGiven = { bench: new Set<string>(), 'embed-reference': new Set<string>() };
const remember = (command: keyof typeof flagsGiven, args: string[]) => args.filter((arg) => arg.startsWith('--')).forEach((arg) => flagsGiven[command].add(arg));

function nxBench(args: string[], env: Record<string, string>) {
  remember('bench', args);
  return execa('npx', ['nx', 'run', 'trainer:bench', ...args], { cwd: repoRoot, env: { ...nxEnv, ...env }, reject: false, timeout: 10 * MINUTES, all: true });
}

const smoke = (out: string) => ['--preset', 'bench-smoke', '--selectors', 'uniform,jest', '--seeds', '1', '--config', config, '--out', out, '--no-dashboard'];

/** The deterministic part of a run: its points' steps, scores and FLOPs (joules and seconds differ between machines' loads). */
function pointsOf(runDir: string): { step: number; score: number; flops: number }[] {
  return readFileSync(join(runDir, 'points.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { step: number; score: number; flopsTotal: number })
    .map((p) => ({ step: p.step, score: p.score, flops: p.flopsTotal }));
}

function submissions(out: string): { jobs: Record<string, string>; indices: { references: number[]; runs: number[] } }[] {
  return readFileSync(join(out, 'slurm', 'submissions.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const topLevelFiles = (dir: string) => readdirSync(dir).sort();

describe('nx run trainer:bench --engine slurm', () => {
  const localOut = () => join(root, 'local');
  const slurmOut = () => join(root, 'slurm');

  it(
    'runs bench-smoke as array jobs and writes the same report as the local engine on the same seeds',
    async (context) => {
      const { env } = needSlurm(context);
      const local = await nxBench([...smoke(localOut()), '--jobs', '2'], env);
      expect(local.exitCode, local.all).toBe(0);
      const slurm = await nxBench(
        [...smoke(slurmOut()), '--engine', 'slurm', '--wait', '--jobs', '2', '--partition', 'debug', '--account', 'sieve', '--time', '00:10:00', '--cpus-per-task', '1'],
        env,
      );
      expect(slurm.exitCode, slurm.all).toBe(0);
      expect(slurm.all).toMatch(/submitted to Slurm: references job \d+ \(1 tasks\), runs job \d+ \(2 tasks\), report job \d+/);
      expect(slurm.all).toMatch(/\| jest \| 1 \|/);

      // The same report files, and the Slurm engine's scripts beside them.
      expect(topLevelFiles(slurmOut())).toEqual([...topLevelFiles(localOut()), 'slurm'].sort());
      expect(readdirSync(join(slurmOut(), 'charts')).sort()).toEqual(readdirSync(join(localOut(), 'charts')).sort());
      for (const run of ['uniform-seed0', 'jest-seed0']) expect(pointsOf(join(slurmOut(), 'runs', run))).toEqual(pointsOf(join(localOut(), 'runs', run)));
      const comparable = (dir: string) =>
        (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).comparison.selectors as Record<string, unknown>[]).map((s) => ({
          selector: s.selector,
          bestScore: s.bestScore,
          steps: (s.toTarget as { steps: unknown }).steps,
          flops: (s.toTarget as { flopsWithoutReference: unknown }).flopsWithoutReference,
        }));
      expect(comparable(slurmOut())).toEqual(comparable(localOut()));

      // The scripts that ran are in the bench folder, with the options passed through.
      const runsScript = readFileSync(join(slurmOut(), 'slurm', 'runs.sbatch'), 'utf8');
      for (const line of ['#SBATCH --array=1-2%2', '#SBATCH --partition=debug', '#SBATCH --account=sieve', '#SBATCH --time=00:10:00', '#SBATCH --cpus-per-task=1']) {
        expect(runsScript).toContain(line);
      }
      expect(readFileSync(join(slurmOut(), 'slurm', 'submit.sh'), 'utf8')).toMatch(/--dependency=afterany:/);

      const status = await nxBench(['--status', '--out', slurmOut()], env);
      expect(status.all).toMatch(/jest-seed0 +finished/);
      expect(status.all).toMatch(/3 jobs: 3 finished/);
    },
    20 * MINUTES,
  );

  it('resubmitted, it submits nothing; with one run folder deleted, it reruns only that run', async (context) => {
    const { env } = needSlurm(context);
    const before = { runs: fileSnapshot(join(slurmOut(), 'runs')), references: fileSnapshot(join(slurmOut(), 'references')) };
    const again = await nxBench(['--out', slurmOut(), '--engine', 'slurm', '--wait'], env);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).toMatch(/nothing to submit: every job of the bench has finished/);
    expect(submissions(slurmOut())).toHaveLength(1);
    expect({ runs: fileSnapshot(join(slurmOut(), 'runs')), references: fileSnapshot(join(slurmOut(), 'references')) }).toEqual(before);

    const jestPoints = pointsOf(join(slurmOut(), 'runs', 'jest-seed0'));
    const uniformFiles = fileSnapshot(join(slurmOut(), 'runs', 'uniform-seed0'));
    rmSync(join(slurmOut(), 'runs', 'jest-seed0'), { recursive: true });
    const rerun = await nxBench(['--out', slurmOut(), '--engine', 'slurm', '--wait'], env);
    expect(rerun.exitCode, rerun.all).toBe(0);
    const last = submissions(slurmOut()).at(-1)!;
    expect(last.indices).toEqual({ references: [], runs: [2] });
    expect(last.jobs.references).toBeUndefined();
    expect(fileSnapshot(join(slurmOut(), 'runs', 'uniform-seed0'))).toEqual(uniformFiles);
    expect(pointsOf(join(slurmOut(), 'runs', 'jest-seed0'))).toEqual(jestPoints);
  }, 10 * MINUTES);

  it('a task that fails is reported, and the analysis still writes the report from the others', async (context) => {
    const { env } = needSlurm(context);
    const plugin = join(root, 'broken-plugin.mjs');
    writeFileSync(
      plugin,
      `const factory = { name: 'broken', summary: 'fails at its first selection', create: () => ({ name: 'broken', async select() {
        throw new Error('broken on purpose');
      } }) };
      export default { id: 1, load(options) { options.bind(Symbol.for('sieve.SelectorFactory')).toConstantValue(factory); } };\n`,
    );
    const withPlugin = join(root, 'with-plugin.json');
    writeFileSync(withPlugin, JSON.stringify({ data: { cacheDir: join(root, 'cache') }, plugins: [plugin] }));
    const out = join(root, 'failing');
    const result = await nxBench(['--preset', 'bench-smoke', '--selectors', 'uniform,broken', '--seeds', '1', '--config', withPlugin, '--out', out, '--engine', 'slurm', '--wait', '--no-dashboard'], env);
    expect(result.exitCode, result.all).not.toBe(0);
    expect(result.all).toMatch(/left out of the report, not finished: broken-seed0 \(log logs\/broken-seed0\.log\)/);
    expect(readFileSync(join(out, 'logs', 'broken-seed0.log'), 'utf8')).toMatch(/broken on purpose/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.missing).toEqual([{ name: 'broken-seed0', log: 'logs/broken-seed0.log' }]);
    expect(results.comparison.selectors.map((s: { selector: string }) => s.selector)).toEqual(['uniform']);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/Not finished, and left out of every figure: broken-seed0/);
    const status = await nxBench(['--status', '--out', out], env);
    expect(status.all).toMatch(/broken-seed0 +failed \(.*log logs\/broken-seed0\.log\)/);
  }, 10 * MINUTES);

  it('an option sbatch refuses is named, with the scripts kept for reading', async (context) => {
    const { env } = needSlurm(context);
    const out = join(root, 'refused');
    // This cluster has no GPUs configured, so Slurm refuses the request.
    const result = await nxBench([...smoke(out), '--task', 'fashion-captions', '--engine', 'slurm', '--gres', 'gpu:1'], env);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/error: --engine: sbatch refused the bench's jobs \(.*\); the scripts are in .*slurm, fix the --partition, --account, --time or --gres/);
    expect(readFileSync(join(out, 'slurm', 'runs.sbatch'), 'utf8')).toContain('#SBATCH --gres=gpu:1');
  }, 5 * MINUTES);
});

describe('nx run trainer:embed-reference --engine slurm', () => {
  it('embeds the pool in shards as an array job, byte for byte what one process writes, and training reads them', async (context) => {
    const { env } = needSlurm(context);
    const settings = join(root, 'embed.json');
    writeFileSync(settings, JSON.stringify({ data: { cacheDir: join(root, 'embed-cache') }, reference: { batchSize: 32 } }));
    const common = ['--preset', 'smoke', '--config', settings, '--task', 'fashion-captions', '--reference-steps', '5', '--seed', '3', '--backend', 'wasm'];
    const refused = await nxEmbed([...common, '--shards', '3', '--engine', 'slurm', '--gres', 'gpu:1'], env);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.all).toMatch(/error: --engine: sbatch refused the jobs \(.*\); the scripts are in .*slurm, fix the --partition/);
    const tooMany = await nxEmbed([...common, '--shards', '5', '--engine', 'slurm'], env);
    expect(tooMany.exitCode).not.toBe(0);
    expect(tooMany.all).toMatch(/error: --shards: Slurm's array task ids stop at 3 \(MaxArraySize 4\); give at most 4 shards/);
    const sharded = await nxEmbed(
      [...common, '--shards', '3', '--engine', 'slurm', '--wait', '--jobs', '2', '--partition', 'debug', '--account', 'sieve', '--time', '00:10:00', '--cpus-per-task', '1'],
      env,
    );
    expect(sharded.exitCode, sharded.all).toBe(0);
    expect(sharded.all).toMatch(/submitted to Slurm: train job \d+, shards job \d+ \(3 shard tasks\)/);
    expect(sharded.all).toMatch(/embedding: \d+ rows in [\d.]+ s of task time/);
    const entry = cacheEntry(join(root, 'embed-cache'));
    expect(readFileSync(join(entry, 'jobs', '3-shards', 'slurm', 'shards.sbatch'), 'utf8')).toContain('#SBATCH --array=0-2%2');

    // The same reference (trained once, cached), embedded by one local process.
    const single = await nxEmbed([...common, '--shards', '1'], env);
    expect(single.exitCode, single.all).toBe(0);
    expect(single.all).toMatch(/1 of 2 tasks to run here/);
    for (const file of ['image-embeddings.bin', 'text-embeddings.bin']) {
      const joined = Buffer.concat([0, 1, 2].map((shard) => readFileSync(join(entry, 'embeddings', '3', String(shard), file))));
      const whole = readFileSync(join(entry, 'embeddings', '1', '0', file));
      expect(joined.byteLength).toBe(whole.byteLength);
      expect(joined.equals(whole)).toBe(true);
    }

    // Run again: every task is in the cache, nothing is submitted.
    const again = await nxEmbed([...common, '--shards', '3', '--engine', 'slurm'], env);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).toMatch(/all in the cache already/);
    expect(again.all).not.toMatch(/submitted to Slurm/);

    // Training with the same settings reads the shards (the set of 1 is removed first: the fewest shards are read first).
    rmSync(join(entry, 'embeddings', '1'), { recursive: true });
    const run = await execa('npx', ['nx', 'run', 'trainer:train', ...common, '--selector', 'easy-reference', '--steps', '2', '--eval-every', '2', '--no-energy', '--no-dashboard', '--out', join(root, 'embed-run')], {
      cwd: repoRoot,
      env: nxEnv,
      reject: false,
      timeout: 5 * MINUTES,
      all: true,
    });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/reference model \w+ reused from .* \(pool scores from 3 shards\)/);
  }, 10 * MINUTES);
});

describe('nx run trainer:prepare --engine slurm', () => {
  it('prepares a pool of four shards in four array tasks and a merge, byte for byte the store one process writes', async (context) => {
    const { env } = needSlurm(context);
    const shards = join(root, 'own-data');
    await writeOwnDataShards(shards);
    const configFor = (name: string) => {
      const file = join(root, `${name}.json`);
      writeFileSync(file, JSON.stringify({ data: { cacheDir: join(root, name) } }));
      return file;
    };
    const common = ['--train-data', shards, '--image-size', '16', '--max-bad-fraction', '1'];
    const single = await nxPrepare(['--config', configFor('prepare-single'), ...common], env);
    expect(single.exitCode, single.all).toBe(0);
    const sharded = await nxPrepare(['--config', configFor('prepare-slurm'), ...common, '--shards', '4', '--engine', 'slurm', '--wait', '--jobs', '2'], env);
    expect(sharded.exitCode, sharded.all).toBe(0);
    expect(sharded.all).toMatch(/submitted to Slurm: parts job \d+, merge job \d+/);
    expect(sharded.all).toMatch(/train: 37 records of 42 samples in /);
    expect(sharded.all).toContain('skipped: not-an-image 1 (s0-broken), duplicate-key 4 (k0, k0, k0)');
    const [one, many] = ['prepare-single', 'prepare-slurm'].map((name) => {
      const stores = join(root, name, 'stores');
      return join(stores, readdirSync(stores)[0]);
    });
    for (const file of ['pixels.u8', 'records.jsonl', 'words.json']) {
      expect(readFileSync(join(many, file)).equals(readFileSync(join(one, file))), file).toBe(true);
    }
    const withoutSeconds = (dir: string) => ({ ...(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as object), seconds: 0 });
    expect(withoutSeconds(many)).toEqual(withoutSeconds(one));
    expect(readFileSync(join(many, 'parts', '4', 'slurm', 'parts.sbatch'), 'utf8')).toContain('#SBATCH --array=0-3%2');
  }, 10 * MINUTES);
});

/**
 * Four shards of 10 good 16 x 16 PNGs each, keyed so that k0 repeats in every shard (the first
 * kept, three duplicates across shards), plus a page that is no image in shard 0 and a second
 * s3-k1 in shard 3 (a duplicate inside one part): 42 samples, 37 kept.
 */
async function writeOwnDataShards(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const square = (background: { r: number; g: number; b: number } | string) => sharp({ create: { width: 16, height: 16, channels: 3, background } }).png().toBuffer();
  for (let shard = 0; shard < 4; shard++) {
    const members: Array<[string, Uint8Array | string]> = [];
    const keys = Array.from({ length: 10 }, (_, i) => (i === 0 ? 'k0' : `s${shard}-k${i}`));
    for (const [i, key] of keys.entries()) members.push([`${key}.png`, await square({ r: 20 * i, g: 60 * shard, b: 100 })], [`${key}.txt`, `shard ${shard} picture ${i}`]);
    if (shard === 0) members.push(['s0-broken.png', '<html>404</html>'], ['s0-broken.txt', 'a page']);
    // A sample whose key an earlier sample of this shard already used.
    if (shard === 3) members.push([`s${shard}-k1.png`, await square('#777')], [`s${shard}-k1.txt`, 'again']);
    await writeTar(join(dir, `0000${shard}.tar`), members);
  }
}

function nxPrepare(args: string[], env: Record<string, string>) {
  return execa('npx', ['nx', 'run', 'trainer:prepare', ...args], { cwd: repoRoot, env: { ...nxEnv, ...env }, reject: false, timeout: 10 * MINUTES, all: true });
}

describe('the scale-out commands through Nx', () => {
  it('no flag that --help shows for bench or embed-reference is left out of the tests above', (context) => {
    needSlurm(context);
    const noHandlers = {} as Parameters<typeof buildProgram>[0];
    const program = buildProgram({ ...noHandlers, selectorHelp: '' });
    for (const name of ['bench', 'embed-reference'] as const) {
      const command = program.commands.find((c) => c.name() === name)!;
      // The own-data flags bench shares with train are checked in files/files-data.test.ts.
      const documented = command.options.filter((option) => !option.hidden && !FILES_FLAGS.includes(option.long!)).map((option) => option.long!);
      expect(documented.length).toBeGreaterThan(10);
      expect(documented.filter((flag) => !flagsGiven[name].has(flag))).toEqual([]);
    }
  });
});

function nxEmbed(args: string[], env: Record<string, string>) {
  remember('embed-reference', args);
  return execa('npx', ['nx', 'run', 'trainer:embed-reference', ...args], { cwd: repoRoot, env: { ...nxEnv, ...env }, reject: false, timeout: 10 * MINUTES, all: true });
}

/** The one reference cache entry under a data cache folder. */
function cacheEntry(cacheDir: string): string {
  const entries = readdirSync(join(cacheDir, 'reference'));
  expect(entries).toHaveLength(1);
  return join(cacheDir, 'reference', entries[0]);
}
