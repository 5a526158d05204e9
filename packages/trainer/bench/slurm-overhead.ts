/**
 * What Slurm costs on top of the work, on a private single-node cluster started for the purpose
 * (root and the Debian packages slurmctld, slurmd, slurm-client and munge needed):
 *
 * 1. the latency of one no-op job, submission to end;
 * 2. an array of no-op tasks, `--jobs` at a time: Slurm's own time per task;
 * 3. bench-smoke (uniform, jest, one seed) on the local engine and on Slurm, submission to report;
 * 4. `embed-reference --shards 4` of the default preset's reference on both engines, with the
 *    embedding's cost per pool row.
 *
 * Each pair runs side by side in one go, so that both see the same machine.
 *
 *   npx tsx packages/trainer/bench/slurm-overhead.ts [--tasks 20] [--jobs 2] [--json]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { startLocalCluster } from '../src/slurm/local-cluster';
import { waitForJobs } from '../src/slurm/slurm-client';
import { MAIN_SCRIPT, REPOSITORY_ROOT } from '../src/bench/scheduler';

const { values: flags } = parseArgs({
  options: { tasks: { type: 'string', default: '20' }, jobs: { type: 'string', default: String(availableParallelism()) }, json: { type: 'boolean', default: false } },
});
const tasks = Number(flags.tasks);
const parallel = Number(flags.jobs);
if (!Number.isInteger(tasks) || tasks < 1 || !Number.isInteger(parallel) || parallel < 1) {
  console.error('error: --tasks and --jobs take whole numbers above 0');
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), 'sieve-slurm-overhead-'));
const started = await startLocalCluster(join(scratch, 'cluster'));
if ('reason' in started) {
  console.error(`cannot measure: ${started.reason}`);
  rmSync(scratch, { recursive: true, force: true });
  process.exit(1);
}
const cluster = started;
// Slurm's client commands, here and in the engines' own calls, talk to this cluster.
Object.assign(process.env, cluster.env);
const env = { ...process.env, FORCE_COLOR: '0' };
const log = (line: string) => {
  if (!flags.json) console.log(line);
};

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

async function sbatch(args: string[]): Promise<string> {
  const result = await execa('sbatch', ['--parsable', '--output=/dev/null', ...args]);
  return result.stdout.trim().split(';')[0];
}

const sieve = async (args: string[]) => {
  const result = await execa(process.execPath, ['--import', 'tsx', MAIN_SCRIPT, ...args], { cwd: REPOSITORY_ROOT, env, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`sieve ${args.join(' ')} failed:\n${result.all}`);
  return result.all ?? '';
};

try {
  const settings = join(scratch, 'settings.json');
  writeFileSync(settings, JSON.stringify({ data: { cacheDir: join(scratch, 'cache') } }));

  const single: number[] = [];
  for (let i = 0; i < 3; i++) single.push(await timed(async () => waitForJobs([await sbatch(['--wrap', 'true'])], () => {})));
  const singleMedian = [...single].sort((a, b) => a - b)[1];
  log(`one no-op job, submission to end: ${single.map((s) => s.toFixed(2)).join(', ')} s (median ${singleMedian.toFixed(2)} s)`);

  const arraySeconds = await timed(async () => waitForJobs([await sbatch([`--array=0-${tasks - 1}%${parallel}`, '--wrap', 'true'])], () => {}));
  const perTask = (arraySeconds * Math.min(parallel, tasks)) / tasks;
  log(`${tasks} no-op array tasks, ${parallel} at a time: ${arraySeconds.toFixed(2)} s, ${perTask.toFixed(2)} s of a slot per task`);

  const smoke = (out: string) => ['bench', '--preset', 'bench-smoke', '--selectors', 'uniform,jest', '--seeds', '1', '--config', settings, '--out', out, '--no-dashboard', '--jobs', String(parallel)];
  // The first bench decodes the data into the shared cache; neither measured run pays for that.
  await sieve(['embed-reference', '--config', settings, '--reference-steps', '1']);
  const benchLocal = await timed(() => sieve(smoke(join(scratch, 'bench-local'))));
  const benchSlurm = await timed(() => sieve([...smoke(join(scratch, 'bench-slurm')), '--engine', 'slurm', '--wait']));
  log(`bench-smoke (uniform, jest, 1 seed), submission to report: local ${benchLocal.toFixed(1)} s, slurm ${benchSlurm.toFixed(1)} s (${(benchSlurm / benchLocal).toFixed(2)}x)`);

  // The default preset's reference, trained once per engine (each in its own cache), then 4 shards.
  const embed = async (engine: string) => {
    const engineSettings = join(scratch, `embed-${engine}.json`);
    writeFileSync(engineSettings, JSON.stringify({ data: { cacheDir: join(scratch, 'cache') }, reference: { cacheDir: join(scratch, `reference-${engine}`) } }));
    let output = '';
    const seconds = await timed(async () => {
      output = await sieve(['embed-reference', '--config', engineSettings, '--shards', '4', '--jobs', String(parallel), ...(engine === 'slurm' ? ['--engine', 'slurm', '--wait'] : [])]);
    });
    const perRow = /embedding: (\d+) rows in ([\d.]+) s of task time, (\d+) µs per row/.exec(output);
    return { seconds, rows: Number(perRow?.[1]), taskSeconds: Number(perRow?.[2]), microsecondsPerRow: Number(perRow?.[3]) };
  };
  const embedLocal = await embed('local');
  const embedSlurm = await embed('slurm');
  log(
    `embed-reference (default preset, 4 shards, ${embedLocal.rows} rows), command to summary: local ${embedLocal.seconds.toFixed(1)} s, slurm ${embedSlurm.seconds.toFixed(1)} s; ` +
      `embedding ${embedLocal.microsecondsPerRow} and ${embedSlurm.microsecondsPerRow} µs per row`,
  );

  if (flags.json) {
    console.log(
      JSON.stringify(
        { noopJobSeconds: single, noopArray: { tasks, parallel, seconds: arraySeconds, slotSecondsPerTask: perTask }, benchSmoke: { local: benchLocal, slurm: benchSlurm }, embedReference: { local: embedLocal, slurm: embedSlurm } },
        null,
        2,
      ),
    );
  }
} finally {
  await cluster.stop();
  rmSync(scratch, { recursive: true, force: true });
}
