import { UserInputError } from '@sieve/core';

/** The `sbatch` options a user passes through (`--partition`, `--account`, `--time`, `--gres`, `--cpus-per-task`). */
export interface SlurmOptions {
  partition?: string;
  account?: string;
  time?: string;
  gres?: string;
  cpusPerTask?: number;
}

export interface BatchScript {
  jobName: string;
  /** `--array`, e.g. "0-9%4"; none for a single task. */
  array?: string;
  /** Slurm's own output file (its messages: time limits, cancellations); `%A_%a` are filled in by Slurm. */
  output: string;
  options: SlurmOptions;
  /** What the script is for, as a comment under its header. */
  comment: string;
  /** The script's body: bash lines. */
  body: string[];
}

/** A batch script: `#SBATCH` lines for the job's settings, then its body. */
export function batchScript(script: BatchScript): string {
  const header = [
    `--job-name=${script.jobName}`,
    ...(script.array ? [`--array=${script.array}`] : []),
    `--output=${script.output}`,
    ...(script.options.partition ? [`--partition=${script.options.partition}`] : []),
    ...(script.options.account ? [`--account=${script.options.account}`] : []),
    ...(script.options.time ? [`--time=${script.options.time}`] : []),
    ...(script.options.gres ? [`--gres=${script.options.gres}`] : []),
    ...(script.options.cpusPerTask ? [`--cpus-per-task=${script.options.cpusPerTask}`] : []),
  ];
  return ['#!/usr/bin/env bash', ...header.map((line) => `#SBATCH ${line}`), ...script.comment.split('\n').map((line) => `# ${line}`), 'set -euo pipefail', ...script.body, ''].join('\n');
}

/**
 * A word for bash, in single quotes. Written by hand: the one rule (close the quote, an escaped
 * quote, open again) is all there is to it, and the scripts must read plainly.
 */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The pass-through options, checked: each goes into a `#SBATCH` line, where a line break or a
 * space would end the option or add another one.
 */
export function checkSlurmOptions(options: SlurmOptions): SlurmOptions {
  for (const [flag, value] of [
    ['--partition', options.partition],
    ['--account', options.account],
    ['--time', options.time],
    ['--gres', options.gres],
  ] as const) {
    if (value !== undefined && !/^[A-Za-z0-9_.:,=+\-/]+$/.test(value)) {
      throw new UserInputError(flag, `"${value}" is not a Slurm value (letters, digits and _ . : , = + - / only), e.g. ${flag} ${EXAMPLES[flag]}.`);
    }
  }
  if (options.cpusPerTask !== undefined && (!Number.isInteger(options.cpusPerTask) || options.cpusPerTask < 1)) {
    throw new UserInputError('--cpus-per-task', `must be a whole number above 0, got ${options.cpusPerTask}.`);
  }
  return options;
}

const EXAMPLES = { '--partition': 'gpu', '--account': 'ml-team', '--time': '02:00:00', '--gres': 'gpu:1' } as const;
