import { Command, CommanderError, Option } from 'commander';
import { BACKEND_NAMES, IMAGE_TOWERS, TASK_NAMES, UserInputError, isRunFailure, isUserInputError, type RunConfigInput } from '@sieve/core';
import { BENCH_PRESET_NAMES, PRESET_NAMES } from './presets';
import type { BenchFlags } from './bench/bench-plan';
import { ENGINES } from './slurm/engine-flags';
import type { JobSelector } from './bench/bench-job';
import { resolveRunConfig, resumedRunConfig } from './run-config';
import type { EmbedFlags } from './embed/run-embed';
import type { EmbedTask } from './embed/embed-task';
import type { ExportFlags } from './files/run-export';
import type { PrepareFlags } from './files/run-prepare';
import { addFilesOptions, filesFlagsToConfig, type FilesFlags } from './files/files-flags';
import { decimal, integer } from './flag-parsers';

/** A command's own exit code, carried out of commander's action as an error with this code. */
const EXIT_CODE = 'sieve.exit';

function exitWith(code: number): void {
  if (code !== 0) throw new CommanderError(code, EXIT_CODE, '');
}

/** Parses a whole number for `flag`, or fails with a message naming it. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `key=value` pairs; values that parse as JSON (numbers, booleans) are kept typed. */
function selectorOptionsFrom(pairs: string[] | undefined): Record<string, unknown> | undefined {
  if (!pairs) return undefined;
  const options: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UserInputError('--selector-option', `"${pair}" is not key=value (e.g. --selector-option mode=greedy).`);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    options[pair.slice(0, at)] = value;
  }
  return options;
}

interface TrainFlags extends FilesFlags {
  preset?: string;
  config?: string;
  task?: string;
  data?: string;
  images?: string;
  labels?: string;
  classes?: string;
  selector?: string;
  selectorOption?: string[];
  plugin?: string[];
  steps?: number;
  trainBatchSize?: number;
  batchSize?: number;
  filterRatio?: number;
  chunks?: number;
  seed?: number;
  evalEvery?: number;
  out?: string;
  backend?: string;
  imageTower?: string;
  testLimit?: number;
  referenceSteps?: number;
  learningRate?: number;
  energy?: boolean;
  wattsPerCore?: number;
  carbonIntensity?: number;
  dashboard?: boolean;
  overwrite?: boolean;
  resume?: string;
  stallSeconds?: number;
}

/**
 * `--train-batch-size` (`-b`) is the documented name: Nx keeps `--batch-size` for itself and never
 * passes it on. `--batch-size` still works where Nx is not in the way (`tsx`, or after `--`).
 */
function batchSizeOf(flags: TrainFlags): number | undefined {
  if (flags.trainBatchSize !== undefined && flags.batchSize !== undefined && flags.trainBatchSize !== flags.batchSize) {
    throw new UserInputError('--train-batch-size', `--batch-size ${flags.batchSize} and --train-batch-size ${flags.trainBatchSize} disagree; give one of them.`);
  }
  return flags.trainBatchSize ?? flags.batchSize;
}

function flagsToConfig(flags: TrainFlags): Partial<RunConfigInput> {
  if (flags.data !== undefined && flags.data !== 'idx') {
    throw new UserInputError('--data', `only "idx" is accepted (with --images, --labels and --classes); for the built-in tasks use --task.`);
  }
  const files = filesFlagsToConfig(flags);
  if (files && flags.task !== undefined && flags.task !== 'files') {
    throw new UserInputError('--task', `--train-data and its companions train on your own data (task "files"); drop --task ${flags.task} or those flags.`);
  }
  const task = flags.data === 'idx' ? 'idx' : files ? 'files' : flags.task;
  const config: Record<string, unknown> = {
    task,
    selector: flags.selector,
    selectorOptions: selectorOptionsFrom(flags.selectorOption),
    plugins: flags.plugin,
    steps: flags.steps,
    batchSize: batchSizeOf(flags),
    filterRatio: flags.filterRatio,
    chunks: flags.chunks,
    seed: flags.seed,
    evalEvery: flags.evalEvery,
    out: flags.out,
    backend: flags.backend,
  };
  const data = {
    images: flags.images,
    labels: flags.labels,
    classes: flags.classes?.split(',').map((name) => name.trim()),
  };
  if (Object.values(data).some((v) => v !== undefined) || files) config.data = { ...data, files };
  if (flags.imageTower) config.model = { imageTower: flags.imageTower };
  if (flags.testLimit !== undefined) config.evaluation = { testLimit: flags.testLimit };
  if (flags.referenceSteps !== undefined) config.reference = { steps: flags.referenceSteps };
  if (flags.learningRate !== undefined) config.optimizer = { learningRate: flags.learningRate };
  const energy = { enabled: flags.energy === false ? false : undefined, wattsPerCore: flags.wattsPerCore, carbonIntensity: flags.carbonIntensity };
  if (Object.values(energy).some((v) => v !== undefined)) config.energy = energy;
  if (flags.dashboard === false) config.dashboard = false;
  if (flags.stallSeconds !== undefined) config.guards = { stallSeconds: flags.stallSeconds };
  return config as Partial<RunConfigInput>;
}

/** The flags of a command whose tasks run here or as a Slurm array job (`wait`: what --wait waits for). */
function addTaskEngineOptions(command: Command, wait: string): Command {
  return command
    .addOption(new Option('--engine <name>', 'where the tasks run: processes on this machine, or a Slurm array job (default "local")').choices([...ENGINES]))
    .option('--jobs <n>', "tasks at once (default: the core count here; Slurm's own limits there)", integer('--jobs'))
    .option('--wait', `slurm: wait ${wait}`)
    .option('--partition <name>', 'slurm: partition of every task (sbatch --partition)')
    .option('--account <name>', 'slurm: account charged (sbatch --account)')
    .option('--time <limit>', 'slurm: time limit of each task, e.g. 01:00:00 (sbatch --time)')
    .option('--gres <spec>', 'slurm: generic resources of each task, e.g. gpu:1 (sbatch --gres)')
    .option('--cpus-per-task <n>', 'slurm: CPUs of each task (sbatch --cpus-per-task)', integer('--cpus-per-task'));
}

export interface CliHandlers {
  /** Trains; resolves to the exit code (130 or 143 when a signal stopped the run). */
  train(config: ReturnType<typeof resolveRunConfig>, options: { overwrite: boolean; resume: boolean }): Promise<number>;
  /** Probes the energy sources and samples for `seconds`, or with `replay`, reports what the meter makes of that recorded trace. */
  energy(options: { seconds: number; json: boolean; sampleIntervalMs: number; replay?: string }): Promise<void>;
  dashboard(options: { run: string; plain: boolean }): Promise<void>;
  /** Runs the benchmark protocol; resolves to the exit code. */
  bench(flags: BenchFlags & { dashboard: boolean }): Promise<number>;
  /** Runs one job of a bench; resolves to the exit code. */
  benchJob(dir: string, which: JobSelector): Promise<number>;
  /** Writes a bench's report from its finished runs; resolves to the exit code. */
  benchReport(dir: string, submittedAtMs: number | undefined): Promise<number>;
  /** Trains the reference and embeds the pool in shards; resolves to the exit code. */
  embedReference(flags: EmbedFlags): Promise<number>;
  /** Prepares the `files` task's sources into their stores; resolves to the exit code. */
  prepare(config: ReturnType<typeof resolveRunConfig>, flags: PrepareFlags): Promise<number>;
  /** Runs one task of a sharded preparation; resolves to the exit code. */
  prepareTask(planFile: string, task: { part: number } | { merge: true }): Promise<number>;
  /** Writes an embedded task as files; resolves to the exit code. */
  exportTask(flags: ExportFlags): Promise<number>;
  /** Runs one task of an embedding; resolves to the exit code. */
  embedReferenceTask(workDir: string, task: EmbedTask): Promise<number>;
  /** Text listing the selectors, shown after `train --help`. */
  selectorHelp: string;
}

export function buildProgram(handlers: CliHandlers): Command {
  const program = new Command('sieve')
    .description('Train faster and on less energy by choosing which data each step trains on.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  const trainCommand = addFilesOptions(
    program
    .command('train', { isDefault: true })
    .description('train a learner with a data selector and write benchmark points')
    .addOption(new Option('--preset <name>', 'starting settings (default: "default", or the config file\'s `preset`)').choices(PRESET_NAMES))
    .option('--config <file>', 'JSON or YAML settings (preset < file < flags)')
    .addOption(new Option('--task <name>', 'task').choices([...TASK_NAMES]))
    .option('--data <kind>', 'data source: "idx" for your own IDX files (with --images, --labels, --classes)')
    .option('--images <file>', 'IDX image file (task idx)')
    .option('--labels <file>', 'IDX label file (task idx)')
    .option('--classes <names>', 'comma-separated class names, in label order (task idx; task files: the metadata\'s "label" indexes them, for zero-shot accuracy)'),
  )
    .option('--selector <name>', 'data selector (see the list below)')
    .option('--selector-option <key=value>', "a selector's own option, repeatable", collect)
    .option('--plugin <module>', 'extra selector plugin: package name or path, repeatable', collect)
    .option('--steps <n>', 'learner steps', integer('--steps'))
    .option('-b, --train-batch-size <b>', 'examples trained on per step (b)', integer('--train-batch-size'))
    .addOption(new Option('--batch-size <b>', 'the same as --train-batch-size, where Nx does not take it').argParser(integer('--batch-size')).hideHelp())
    .option('--filter-ratio <f>', 'fraction of candidates filtered out; super-batch N = b / (1 - f)', decimal('--filter-ratio'))
    .option('--chunks <n>', 'chunks of joint selection (b must be divisible by it)', integer('--chunks'))
    .option('--seed <n>', 'run seed (learner init, super-batches, sampling)', integer('--seed'))
    .option('--eval-every <n>', 'steps between benchmark points', integer('--eval-every'))
    .option('--out <dir>', 'run folder (default runs/<time>-<selector>-seed<seed>)')
    .option('--overwrite', 'replace a previous run in --out')
    .option('--resume <dir>', 'carry on an interrupted run from its last checkpoint, with its own settings')
    .addOption(new Option('--backend <name>', 'tensor backend').choices([...BACKEND_NAMES]))
    .addOption(new Option('--image-tower <kind>', 'image tower').choices([...IMAGE_TOWERS]))
    .option('--test-limit <n>', 'evaluate on the first n test images', integer('--test-limit'))
    .option('--reference-steps <n>', 'reference model training steps', integer('--reference-steps'))
    .option('--learning-rate <lr>', 'peak learning rate', decimal('--learning-rate'))
    .option('--no-energy', 'do not run the energy meter')
    .option('--watts-per-core <w>', 'per-core watts for the estimated energy source', decimal('--watts-per-core'))
    .option('--carbon-intensity <g>', 'grid carbon intensity in g CO2e/kWh, for an emissions estimate', decimal('--carbon-intensity'))
    .option('--no-dashboard', 'plain log lines instead of the live dashboard')
    .option('--stall-seconds <s>', 'stop the run as stalled when a phase of a step shows no progress this long, and 50x the median step (default 120)', decimal('--stall-seconds'))
    .action(async (flags: TrainFlags) => {
      if (flags.resume !== undefined) {
        const settings = Object.keys(flags).filter((name) => !['resume', 'dashboard', 'energy', 'stallSeconds'].includes(name));
        if (settings.length > 0) {
          throw new UserInputError('--resume', `a resumed run keeps its own settings; drop ${settings.map((name) => `--${kebab(name)}`).join(', ')}.`);
        }
        if (flags.stallSeconds !== undefined && !(flags.stallSeconds > 0)) throw new UserInputError('--stall-seconds', `must be above 0; got ${flags.stallSeconds}.`);
        const config = resumedRunConfig(flags.resume, { dashboard: flags.dashboard, energy: flags.energy, stallSeconds: flags.stallSeconds });
        exitWith(await handlers.train(config, { overwrite: false, resume: true }));
        return;
      }
      const config = resolveRunConfig({ preset: flags.preset, configFile: flags.config, flags: flagsToConfig(flags) });
      exitWith(await handlers.train(config, { overwrite: flags.overwrite === true, resume: false }));
    });
  trainCommand.addHelpText('after', handlers.selectorHelp);

  addFilesOptions(
    program
      .command('bench')
      .description('the benchmark protocol in one command: every selector x seeds, the comparison and the report'),
  )
    .addOption(new Option('--preset <name>', 'protocol settings: the full budget or a toy one (default "bench")').choices([...BENCH_PRESET_NAMES]))
    .option('--selectors <names>', 'comma-separated selectors (default: every installed selector and baseline)')
    .option('--seeds <n>', 'seeds per selector (default 3)', integer('--seeds'))
    .option('--jobs <n>', 'training processes in parallel (default: the core count)', integer('--jobs'))
    .option('--out <dir>', 'bench folder (default bench/<time>); an existing one carries on where it stopped')
    .addOption(new Option('--task <name>', 'task').choices([...TASK_NAMES]))
    .option('--config <file>', 'JSON or YAML settings shared by every run (preset < file)')
    .option('--no-dashboard', 'plain progress lines instead of the live screen')
    .addOption(new Option('--engine <name>', 'where the jobs run: processes on this machine, or Slurm array jobs (default "local")').choices([...ENGINES]))
    .option('--status', "show where every job of the bench in --out stands (with Slurm's task states) and exit")
    .option('--wait', 'slurm: wait until the report job has ended, then print the comparison')
    .option('--partition <name>', 'slurm: partition of every job (sbatch --partition)')
    .option('--account <name>', 'slurm: account charged (sbatch --account)')
    .option('--time <limit>', 'slurm: time limit of each task, e.g. 02:00:00 (sbatch --time); a task stopped by it carries on when resubmitted')
    .option('--gres <spec>', 'slurm: generic resources of each training task, e.g. gpu:1 (sbatch --gres)')
    .option('--cpus-per-task <n>', 'slurm: CPUs of each task (sbatch --cpus-per-task)', integer('--cpus-per-task'))
    .action(async (flags: BenchFlags & { dashboard: boolean }) => {
      exitWith(await handlers.bench(flags));
    });

  program
    .command('bench-job')
    .description("run one job of a bench's manifest in this process (what each engine's workers run)")
    .requiredOption('--bench <dir>', 'the bench folder')
    .option('--index <k>', "the job's index in manifest.json (a Slurm array task id)", integer('--index'))
    .option('--job <name>', "the job's name, e.g. jest-seed0")
    .action(async (flags: { bench: string; index?: number; job?: string }) => {
      if ((flags.index === undefined) === (flags.job === undefined)) throw new UserInputError('--index', 'give one of --index or --job.');
      exitWith(await handlers.benchJob(flags.bench, flags.index !== undefined ? { index: flags.index } : { name: flags.job! }));
    });

  program
    .command('bench-report')
    .description('write the report of a bench from the runs that finished (the last job of every engine)')
    .requiredOption('--bench <dir>', 'the bench folder')
    .option('--submitted <ms>', 'when the bench was submitted (epoch ms), to count its wall time', integer('--submitted'))
    .action(async (flags: { bench: string; submitted?: number }) => {
      exitWith(await handlers.benchReport(flags.bench, flags.submitted));
    });

  const embedCommand = program
    .command('embed-reference')
    .description("train the reference model once and score the pool with it in shards, here or as a Slurm array job; training reads the shards from the reference cache")
    .addOption(new Option('--preset <name>', 'settings that determine the reference (default: "default")').choices(PRESET_NAMES))
    .option('--config <file>', 'JSON or YAML settings, as for train (preset < file < flags)')
    .addOption(new Option('--task <name>', 'task').choices([...TASK_NAMES]))
    .option('--seed <n>', 'run seed (the reference is trained with it)', integer('--seed'))
    .option('--reference-steps <n>', 'reference model training steps', integer('--reference-steps'))
    .addOption(new Option('--backend <name>', 'tensor backend').choices([...BACKEND_NAMES]))
    .option('--shards <k>', 'tasks the pool is split into, each embedding whole chunks of 2,048 rows (default 1)', integer('--shards'));
  addTaskEngineOptions(embedCommand, 'until every task has ended, then print the summary').action(async (flags: EmbedFlags) => {
    exitWith(await handlers.embedReference(flags));
  });

  const prepareCommand = addFilesOptions(
    program
      .command('prepare')
      .description('prepare your own data (task files) into stores on disk, once, and print what was skipped and why')
      .option('--config <file>', 'JSON or YAML settings, as for train (their data.files section is used)')
      .option('--shards <k>', "tasks the pool's files are prepared in, each whole tar shards, then merged into the one store (default 1)", integer('--shards')),
  );
  addTaskEngineOptions(prepareCommand, 'until the merge has ended, then print the tally').action(async (flags: TrainFlags & PrepareFlags & { config?: string }) => {
    const config = resolveRunConfig({ configFile: flags.config, flags: { ...flagsToConfig(flags), task: 'files' } });
    exitWith(await handlers.prepare(config, flags));
  });

  program
    .command('prepare-task')
    .description("prepare one part of a sharded preparation, or merge the parts, in this process (what each engine's workers run)")
    .requiredOption('--plan <file>', 'the plan prepare wrote')
    .option('--part <k>', 'prepare part k (a Slurm array task id)', integer('--part'))
    .option('--merge', 'merge the parts into the store')
    .action(async (flags: { plan: string; part?: number; merge?: boolean }) => {
      if ((flags.part === undefined) === (flags.merge !== true)) throw new UserInputError('--part', 'give either --part K or --merge.');
      exitWith(await handlers.prepareTask(flags.plan, flags.merge ? { merge: true } : { part: flags.part! }));
    });

  program
    .command('export-task')
    .description('write an embedded task as files (WebDataset shards, a CSV list or Parquet) with its vocabulary: a tutorial dataset and a check')
    .option('--task <name>', 'the task to export (default fashion-captions)')
    .option('--format <format>', 'webdataset, csv or parquet')
    .option('--out <dir>', 'the folder to write')
    .action(async (flags: ExportFlags) => {
      exitWith(await handlers.exportTask(flags));
    });

  program
    .command('embed-reference-task')
    .description('run one task of an embedding in this process (what each engine\'s workers run)')
    .requiredOption('--work <dir>', 'the work folder embed-reference wrote')
    .option('--train', 'train the reference')
    .option('--shard <k>', 'embed shard k (a Slurm array task id)', integer('--shard'))
    .action(async (flags: { work: string; train?: boolean; shard?: number }) => {
      if ((flags.train === true) === (flags.shard !== undefined)) throw new UserInputError('--shard', 'give one of --train or --shard.');
      exitWith(await handlers.embedReferenceTask(flags.work, flags.train ? { train: true } : { shard: flags.shard! }));
    });

  program
    .command('energy')
    .description('probe every energy source, then sample power for a while; or check a recorded power trace')
    .option('--seconds <n>', 'how long to sample', decimal('--seconds'), 5)
    .option('--sample-interval-ms <ms>', 'sampling interval', integer('--sample-interval-ms'), 100)
    .option(
      '--replay <file>',
      'instead of sampling, read a recorded power trace (CSV with seconds,device,watts columns, JSON lines, or an nvidia-smi capture) and print its joules, mean watts, duration and samples',
    )
    .option('--json', 'machine-readable output')
    .action(async (flags: { seconds: number; json?: boolean; sampleIntervalMs: number; replay?: string }, command: Command) => {
      if (!(flags.seconds > 0)) throw new UserInputError('--seconds', 'must be above 0.');
      if (flags.replay !== undefined) {
        for (const [name, flag] of [['seconds', '--seconds'], ['sampleIntervalMs', '--sample-interval-ms']] as const) {
          if (command.getOptionValueSource(name) === 'cli') throw new UserInputError(flag, 'does not apply with --replay, whose trace sets the times; leave it out.');
        }
      }
      await handlers.energy({ seconds: flags.seconds, json: flags.json === true, sampleIntervalMs: flags.sampleIntervalMs, replay: flags.replay });
    });

  program
    .command('dashboard')
    .description('show a run from its folder: live while it is written, static once finished')
    .requiredOption('--run <dir>', 'run folder')
    .option('--plain', 'print plain lines instead of the live screen')
    .action(async (flags: { run: string; plain?: boolean }) => {
      await handlers.dashboard({ run: flags.run, plain: flags.plain === true });
    });

  return program;
}

/** Runs the CLI; returns the exit code (2 for a user's mistake, with a message and no stack). */
export async function runCli(argv: string[], handlers: CliHandlers, writeError: (text: string) => void): Promise<number> {
  const program = buildProgram(handlers);
  program.configureOutput({ writeErr: writeError });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === EXIT_CODE) return error.exitCode;
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return 0;
      return 2; // commander already printed the message
    }
    if (isUserInputError(error)) {
      writeError(`error: ${error.message}\n`);
      return 2;
    }
    if (isRunFailure(error)) {
      // The run's own fault (numbers gone bad, a plugin breaking its contract): its message, no Sieve stack.
      writeError(`failed: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
