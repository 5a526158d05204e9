import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError, superBatchSizeOf } from '@sieve/core';
import { loadSelectorRegistry } from '@sieve/engine';
import {
  benchGoals,
  comparisonTable,
  compareRuns,
  formatFlops,
  formatJoules,
  goalVerdict,
  machineLine,
  readRun,
  reportCharts,
  reportMarkdown,
  reportPage,
  referenceCostOf,
  type BenchResults,
  type MachineDescription,
  type ReferenceRecord,
  type RunRecord,
  type SystemsFigures,
} from '../analysis';
import { readConfigFile } from '../run-config';
import {
  benchJobs,
  jobStateOnDisk,
  readBenchSettings,
  readManifest,
  resolveBenchSettings,
  writePlan,
  type BenchFlags,
  type BenchJob,
  type BenchSettings,
} from './bench-plan';
import { printStatus } from './bench-status';
import { submitBench } from './slurm-bench';
import { engineOf, parallelOf, slurmOptionsOf } from '../slurm/engine-flags';
import { benchLayout, type BenchLayout } from './bench-layout';
import { runJobs, type JobProgress } from './scheduler';
import { progressLine, stepsDoneOf, summariseProgress } from './progress';
import { mountProgressScreen } from './progress-view';
import { measureSystems, type SystemsPlan } from './systems';
import { BenchInterrupt, interruptMessage } from './interrupt';

const SYSTEMS_PLANS: Record<string, SystemsPlan> = {
  bench: { overheadSteps: 500, overheadRepeats: 5, profileRepeats: 30, peerRounds: 3 },
  'bench-smoke': { overheadSteps: 30, overheadRepeats: 1, profileRepeats: 3, peerRounds: 0 },
};

export interface BenchOptions {
  /** Draw the live screen (a terminal outside CI) or print plain lines. */
  screen: boolean;
  write: (line: string) => void;
}

/**
 * The benchmark protocol as one command: a reference model per seed, then every selector for
 * every seed, then the systems figures, the comparison and the report files. The jobs run on an
 * engine: `local` (a pool of processes on this machine, the default) or `slurm` (array jobs; see
 * `slurm-bench.ts`). Returns the exit code: 0 when the report is written, 130 or 143 when SIGINT or
 * SIGTERM stopped it (in any phase: see `interrupt.ts`), 1 when a job failed (the report is still
 * written from the runs that finished, and names the others).
 */
export async function runBench(flags: BenchFlags, options: BenchOptions): Promise<number> {
  const out = resolve(flags.out ?? defaultBenchDir());
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UserInputError('--out', `${flags.out} exists and is not a folder; choose another --out.`);
  const engine = engineOf(flags.engine);
  if (flags.status) {
    if (!flags.out) throw new UserInputError('--status', 'give the bench folder: --status --out DIR.');
    await printStatus(out, options.write);
    return 0;
  }
  const parallel = parallelOf(flags, engine, availableParallelism());
  const slurm = slurmOptionsOf(flags, engine);
  const layout = benchLayout(out);
  // From here on a signal stops the bench with one message; while planning, once the plan is written.
  const interrupt = new BenchInterrupt();
  let planned: { jobs: BenchJob[]; rerun: string } | null = null;
  try {
    const registry = await loadSelectorRegistry(pluginsOf(flags.config));
    const settings = resolveBenchSettings(flags, registry, out);
    const jobs = benchJobs(settings, layout);
    mkdirSync(layout.runs, { recursive: true });
    await writePlan(settings, layout, jobs);

    const write = options.write;
    const rerun = `nx run trainer:bench --out ${flags.out ?? relative(process.cwd(), out)}${engine === 'slurm' ? ' --engine slurm' : ''}`;
    planned = { jobs, rerun };
    write(
      `bench ${settings.preset} on ${settings.task}: ${settings.selectors.length} selectors x ${settings.seeds.length} seeds ` +
        `(${settings.selectors.join(', ')}), ${settings.runConfig.steps} steps each, ` +
        `${engine === 'slurm' ? `on Slurm${parallel === null ? '' : `, at most ${parallel} tasks at once`}` : `${parallel} in parallel`}; folder ${out}`,
    );
    if (engine === 'slurm') {
      interrupt.signal.throwIfAborted();
      // Slurm's jobs run on whatever happens to this process, which keeps Node's own handling of signals.
      interrupt.dispose();
      return await submitBench({ layout, jobs, parallel, slurm, wait: flags.wait === true, rerun }, write);
    }

    interrupt.enter('training');
    const session = { start: new Date().toISOString(), startMs: Date.now() };
    const progress = await runScheduled(out, jobs, parallel!, settings, options, interrupt);
    appendSession(out, session.start, (Date.now() - session.startMs) / 1000, parallel!);
    interrupt.signal.throwIfAborted();

    const failed = progress.filter((p) => p.status === 'failed' || p.status === 'blocked');
    for (const p of failed) write(`failed: ${p.job.name}: ${p.problem ?? ''}${p.status === 'failed' ? ` (log: ${p.job.log})` : ''}`);
    const code = await reportBench(out, write, undefined, interrupt);
    if (failed.length > 0) {
      write(`${failed.length} job(s) failed; the finished runs are kept. Fix the cause and run again to carry on: ${rerun}`);
      return 1;
    }
    return code;
  } catch (error) {
    // Whatever a phase throws once it is stopped (the abort itself, or its ended child's exit) ends in the one message.
    if (!interrupt.at || !planned) throw error;
    options.write(interruptMessage(interrupt.at, planned.jobs, layout, planned.rerun));
    return interrupt.exitCode;
  } finally {
    interrupt.dispose();
  }
}

/**
 * Reads every finished run and reference record of the bench in `dir`, measures the systems
 * figures and writes the report files; runs that did not finish are left out and named in the
 * report. The last step of every engine (the Slurm engine runs it as a job of its own). Returns 0
 * when every run is in the report, 1 when some are missing or nothing could be compared.
 * `interrupt` (a local bench) is told the systems and report phases, and stops them.
 */
export async function reportBench(dir: string, write: (line: string) => void, submittedAtMs?: number, interrupt?: BenchInterrupt): Promise<number> {
  const layout = benchLayout(dir);
  // A Slurm bench's session: from its submission to this report.
  if (submittedAtMs !== undefined) appendSession(dir, new Date(submittedAtMs).toISOString(), (Date.now() - submittedAtMs) / 1000);
  const settings = readBenchSettings(layout);
  const jobs = readManifest(dir);
  const missing = jobs.filter((job) => jobStateOnDisk(job) !== 'finished');
  const finishedRuns = jobs.filter((job) => job.kind === 'run' && !missing.includes(job));
  if (!finishedRuns.some((job) => job.selector === 'uniform')) {
    write(`no report: no uniform run finished, and every selector is measured against it; missing: ${missingLine(missing, layout)}`);
    return 1;
  }
  const results = await analyse(settings, layout, jobs, missing, write, interrupt);
  write('');
  write(comparisonTable(results.comparison));
  write('');
  if (results.goals) {
    for (const check of results.goals.checks) write(`goal ${goalVerdict(check)}: ${check.goal} (${check.evidence})`);
    write('');
  }
  if (missing.length > 0) write(`left out of the report, not finished: ${missingLine(missing, layout)}`);
  write(`report: ${layout.reportHtml}, ${layout.reportMarkdown}, ${layout.results}, charts in ${layout.charts}`);
  return missing.length > 0 ? 1 : 0;
}

function missingLine(missing: readonly BenchJob[], layout: BenchLayout): string {
  return missing.map((job) => `${job.name} (log ${relative(layout.dir, job.log)})`).join(', ');
}

/**
 * One session of the bench: when it started, how long it took, and (local engine) how many
 * training processes it ran at once; JSON leaves `jobs` out when it is undefined (Slurm).
 */
function appendSession(dir: string, start: string, seconds: number, jobs?: number): void {
  appendFileSync(join(dir, 'sessions.jsonl'), `${JSON.stringify({ start, seconds, jobs })}\n`);
}

/** Runs the jobs with a progress display and clean stopping on Ctrl-C (a second one ends them at once). */
async function runScheduled(
  dir: string,
  jobs: BenchJob[],
  parallel: number,
  settings: BenchSettings,
  options: BenchOptions,
  interrupt: BenchInterrupt,
): Promise<readonly JobProgress[]> {
  const lines: string[] = [];
  const startedAt = Date.now();
  let stepsAtStart: number | null = null;
  let lastPlainLine = 0;
  const title = `sieve bench ${settings.preset} · ${settings.task} · ${settings.selectors.length} selectors x ${settings.seeds.length} seeds`;
  let screen: ReturnType<typeof mountProgressScreen> | null = null;
  let latest: readonly JobProgress[] = [];
  const summary = () => summariseProgress(latest, stepsAtStart ?? 0, (Date.now() - startedAt) / 1000);
  const scheduler = runJobs(jobs, parallel, {
    onChange(progress) {
      latest = progress;
      stepsAtStart ??= stepsDoneOf(progress);
      if (screen) screen.update(summary(), lines);
      else if (Date.now() - lastPlainLine >= 30_000) {
        lastPlainLine = Date.now();
        options.write(progressLine(summary()));
      }
    },
    onLine(line) {
      const stamped = `[${new Date().toISOString().slice(11, 19)}] ${line}`;
      lines.push(stamped);
      if (screen) screen.update(summary(), lines);
      else options.write(stamped);
    },
  }, { args: (job) => ['bench-job', '--bench', dir, '--job', job.name], state: jobStateOnDisk });
  if (options.screen) screen = mountProgressScreen(title, summary());
  const onStop = () => {
    options.write('stopping: each running job finishes its current step and saves a checkpoint (interrupt again to end them at once)');
    scheduler.stop(interrupt.signal.reason as NodeJS.Signals);
  };
  interrupt.running = () => latest.filter((p) => p.status === 'running').map((p) => p.job.name);
  interrupt.signal.addEventListener('abort', onStop);
  interrupt.onSecond = () => scheduler.abort();
  try {
    return await scheduler.done;
  } finally {
    interrupt.signal.removeEventListener('abort', onStop);
    interrupt.running = () => [];
    interrupt.onSecond = () => {};
    await screen?.close();
    options.write(progressLine(summary()));
  }
}

/** Reads every run and reference record, measures the systems figures and writes the report files. */
async function analyse(
  settings: BenchSettings,
  layout: BenchLayout,
  jobs: readonly BenchJob[],
  missing: readonly BenchJob[],
  log: (line: string) => void,
  interrupt?: BenchInterrupt,
): Promise<BenchResults> {
  const finished = jobs.filter((job) => !missing.includes(job));
  const references = finished
    .filter((job) => job.kind === 'reference')
    .map((job) => JSON.parse(readFileSync(job.output, 'utf8')) as ReferenceRecord);
  const runs: RunRecord[] = finished
    .filter((job) => job.kind === 'run')
    .map((job) => ({ ...readRun(job.output), dir: relative(layout.dir, job.output) }));
  const costs = references.map(referenceCostOf);
  for (const run of runs) {
    const key = run.summary?.reference?.cacheKey;
    const record = costs.find((c) => c.seed === run.seed);
    if (key && record && key !== record.cacheKey) {
      throw new UserInputError(run.dir, `used reference ${key}, not the bench's ${record.cacheKey} for seed ${run.seed}; remove the run folder and run the bench again.`);
    }
  }
  const comparison = compareRuns(runs, { references: costs });
  const goals = benchGoals(comparison);
  interrupt?.enter('systems');
  const systems = existsSync(layout.systems)
    ? (JSON.parse(readFileSync(layout.systems, 'utf8')) as SystemsFigures)
    : await measureSystems(SYSTEMS_PLANS[settings.preset], runs, log, interrupt?.signal);
  await writeFileAtomic(layout.systems, `${JSON.stringify(systems, null, 2)}\n`);
  interrupt?.enter('report');

  const machine = machineOf(runs);
  const sessions = sessionsOf(layout.dir);
  const results: BenchResults = {
    version: 1,
    date: new Date().toISOString().slice(0, 10),
    preset: settings.preset,
    task: settings.task,
    selectors: settings.selectors,
    seeds: settings.seeds,
    settings: {
      steps: settings.runConfig.steps,
      batchSize: settings.runConfig.batchSize,
      filterRatio: settings.runConfig.filterRatio,
      chunks: settings.runConfig.chunks,
      evalEvery: settings.runConfig.evalEvery,
      referenceSteps: settings.runConfig.reference.steps,
    },
    machine,
    wallSeconds: sessions.seconds,
    parallelJobs: sessions.jobs,
    references,
    runs: runs.map((run) => ({
      name: run.dir.replace(/^runs\//, ''),
      selector: run.selector,
      seed: run.seed,
      status: run.summary?.status ?? 'unknown',
      steps: run.summary?.steps ?? run.points[run.points.length - 1].step,
      wallSeconds: run.summary?.wallSeconds ?? null,
    })),
    comparison,
    ...(goals ? { goals } : {}),
    systems,
    missing: missing.map((job) => ({ name: job.name, log: relative(layout.dir, job.log) })),
  };
  await writeFileAtomic(layout.results, `${JSON.stringify(results, null, 2)}\n`);

  const charts = await reportCharts(runs, comparison, costs);
  mkdirSync(layout.charts, { recursive: true });
  for (const chart of charts) if (chart.svg) await writeFileAtomic(join(layout.charts, `${chart.id}.svg`), chart.svg);
  const title = `Sieve benchmark: ${settings.task}, preset ${settings.preset}`;
  const lead = leadLines(results);
  await writeFileAtomic(layout.reportHtml, reportPage(runs, comparison, charts, { title, lead, goals, systems, references: costs }));
  await writeFileAtomic(
    layout.reportMarkdown,
    reportMarkdown({
      title,
      lead,
      comparison,
      goals,
      systems,
      charts: charts.map((chart) => ({ heading: chart.heading, file: chart.svg ? `charts/${chart.id}.svg` : null, note: chart.note })),
    }),
  );
  return results;
}

/** The settings, machine, date and reference cost, under the report's title. */
export function leadLines(results: BenchResults): string[] {
  const s = results.settings;
  const referenceJoules = results.references.map((r) => (r.trainingJoules ?? 0) + (r.embeddingJoules ?? 0));
  const referenceFlops = [...new Set(results.references.map((r) => r.trainingFlops + r.embeddingFlops))];
  return [
    `${results.date}; ${results.selectors.length} selectors x ${results.seeds.length} seeds; ${s.steps} learner steps of b = ${s.batchSize} ` +
      `chosen from N = ${superBatchSizeOf(s.batchSize, s.filterRatio)} (f = ${s.filterRatio}, n = ${s.chunks}), a point every ${s.evalEvery} steps.`,
    `Machine: ${machineLine(results.machine)}.`,
    `Reference models: one per seed, trained from scratch for this bench (${s.referenceSteps} steps) and reused by every run of its seed; ` +
      `each cost ${referenceFlops.map(formatFlops).join(', ')} FLOPs and ${referenceJoules.map(formatJoules).join(', ')}.`,
    `Wall time of the bench: ${(results.wallSeconds / 60).toFixed(1)} min${results.parallelJobs ? `, ${results.parallelJobs} training process${results.parallelJobs === 1 ? '' : 'es'} at once` : ''}.`,
    ...(results.missing && results.missing.length > 0
      ? [
          `Not finished, and left out of every figure: ${results.missing.map((m) => `${m.name} (log ${m.log})`).join(', ')}; ` +
            'run the same bench command again to finish them.',
        ]
      : []),
  ];
}

function machineOf(runs: readonly RunRecord[]): MachineDescription {
  const backends = [...new Set(runs.map((run) => run.summary?.backend).filter((b): b is string => !!b))];
  const kinds = [...new Set(runs.map((run) => run.summary?.energy?.kind).filter((k): k is 'measured' | 'estimated' => !!k))];
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    node: process.versions.node,
    platform: `${platform()} ${release()}`,
    backends,
    energyKinds: kinds,
  };
}

/** The bench's wall seconds over all its sessions, and the most training processes a local session ran at once (null: none recorded). */
function sessionsOf(dir: string): { seconds: number; jobs: number | null } {
  const path = join(dir, 'sessions.jsonl');
  if (!existsSync(path)) return { seconds: 0, jobs: null };
  const sessions = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { seconds?: number; jobs?: number });
  const jobs = sessions.map((session) => session.jobs).filter((j): j is number => typeof j === 'number');
  return { seconds: sessions.reduce((sum, session) => sum + (session.seconds ?? 0), 0), jobs: jobs.length > 0 ? Math.max(...jobs) : null };
}

/** The plugins a --config file names, so that their selectors can be benchmarked too. */
function pluginsOf(configFile: string | undefined): string[] {
  if (!configFile) return [];
  const plugins = readConfigFile(configFile).plugins;
  return Array.isArray(plugins) ? plugins.filter((p): p is string => typeof p === 'string') : [];
}

function defaultBenchDir(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return join('bench', stamp);
}
