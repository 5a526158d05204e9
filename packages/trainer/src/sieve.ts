/** The `sieve` command line: `train` (default), `bench`, `embed-reference`, `energy`, `dashboard`, and the workers' commands. */
import { loadSelectorRegistry } from '@sieve/engine';
import { formatProbeReport, formatReplayReport, probeAndSample, replayTrace } from '@sieve/energy';
import { attachToRun, shouldUseDashboard } from '@sieve/dashboard';
import { isUserInputError } from '@sieve/core';
import { runCli } from './cli';
import { RESUME_HINT, runTrain } from './run-train';
import { selectorHelpText } from './selector-help';
import { reportBench, runBench } from './bench/run-bench';
import { runBenchJob } from './bench/bench-job';
import { runEmbedReference } from './embed/run-embed';
import { runEmbedTask } from './embed/embed-task';
import { runPrepare, runPrepareTask } from './files/run-prepare';
import { runExport } from './files/run-export';

const writeLine = (line: string) => process.stdout.write(`${line}\n`);

// A reader that went away (Nx exits at Ctrl-C before the run has written its summary) must not
// end the run: what it prints is lost, what it writes to its folder is not.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

async function main(): Promise<number> {
  const registry = await loadSelectorRegistry();
  return runCli(
    process.argv.slice(2),
    {
      selectorHelp: selectorHelpText(registry),
      async train(config, options) {
        const { summary, stopSignal } = await runTrain(config, options);
        const final = summary.finalPoint;
        process.stdout.write(
          `done: ${summary.status} after ${summary.steps} steps in ${summary.wallSeconds.toFixed(1)} s; ` +
            `score ${final ? final.score.toFixed(4) : 'n/a'}; files in ${config.out}\n`,
        );
        if (summary.status === 'stopped') process.stdout.write(`${RESUME_HINT} ${config.out}\n`);
        // The shell's convention for a process ended by a signal: 128 + its number; never 0 without a completed run.
        if (stopSignal) return stopSignal === 'SIGINT' ? 130 : 143;
        return summary.status === 'completed' ? 0 : 1;
      },
      async bench(flags) {
        const screen = shouldUseDashboard(flags.dashboard === false ? false : 'auto', process.env, process.stdout);
        return runBench(flags, { screen, write: (line) => process.stdout.write(`${line}\n`) });
      },
      benchJob: (dir, which) => runBenchJob(dir, which, writeLine),
      benchReport: (dir, submittedAtMs) => reportBench(dir, writeLine, submittedAtMs),
      embedReference: (flags) => runEmbedReference(flags, writeLine),
      prepare: (config, flags) => runPrepare(config, flags, writeLine),
      prepareTask: (planFile, task) => runPrepareTask(planFile, task, writeLine),
      exportTask: (flags) => runExport(flags, writeLine),
      embedReferenceTask: (workDir, task) => runEmbedTask(workDir, task, writeLine),
      async energy(options) {
        if (options.replay !== undefined) {
          const report = await replayTrace(options.replay);
          process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReplayReport(report)}\n`);
          return;
        }
        const report = await probeAndSample(options.seconds, { sampleIntervalMs: options.sampleIntervalMs });
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatProbeReport(report)}\n`);
      },
      async dashboard(options) {
        await attachToRun(options.run, {
          follow: true,
          plain: options.plain || !shouldUseDashboard('auto', process.env, process.stdout),
        });
      },
    },
    (text) => process.stderr.write(text),
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isUserInputError(error)) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`sieve: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
