import { UserInputError } from '@sieve/core';
import { checkSlurmOptions, type SlurmOptions } from './batch-script';

/** Where a command's jobs run: processes on this machine, or Slurm array jobs. */
export const ENGINES = ['local', 'slurm'] as const;
export type Engine = (typeof ENGINES)[number];

/** The flags every command with an `--engine` takes. */
export interface EngineFlags extends SlurmOptions {
  engine?: string;
  jobs?: number;
  wait?: boolean;
}

export function engineOf(engine: string | undefined): Engine {
  const name = engine ?? 'local';
  if (!(ENGINES as readonly string[]).includes(name)) throw new UserInputError('--engine', `takes ${ENGINES.join(' or ')}; got "${name}".`);
  return name as Engine;
}

/** `--jobs`: the local engine's processes (default `cores`), or Slurm's tasks at once (default: Slurm's own limits). */
export function parallelOf(flags: EngineFlags, engine: Engine, cores: number): number | null {
  const parallel = flags.jobs ?? (engine === 'slurm' ? null : cores);
  if (parallel !== null && (!Number.isInteger(parallel) || parallel < 1)) throw new UserInputError('--jobs', `must be a whole number above 0, got ${flags.jobs}.`);
  return parallel;
}

/** The sbatch options, checked; refused without `--engine slurm`, where they would be ignored. */
export function slurmOptionsOf(flags: EngineFlags, engine: Engine): SlurmOptions {
  const options: SlurmOptions = { partition: flags.partition, account: flags.account, time: flags.time, gres: flags.gres, cpusPerTask: flags.cpusPerTask };
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  if (engine === 'local' && given.length > 0) {
    const flag = `--${given[0][0].replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    throw new UserInputError(flag, 'is a Slurm option; add --engine slurm, or leave it out to run on this machine.');
  }
  if (engine === 'local' && flags.wait) throw new UserInputError('--wait', 'is for --engine slurm; the local engine always waits for its jobs.');
  return checkSlurmOptions(options);
}
