import { chmod } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError } from '@sieve/core';
import { MAIN_SCRIPT, REPOSITORY_ROOT } from '../bench/scheduler';
import { shellWord } from './batch-script';
import { slurmAvailable } from './slurm-client';

/** A batch script to submit, under its role's name (`<role>.sbatch`). */
export interface ChainedScript {
  role: string;
  text: string;
}

/** Refuses `--engine slurm` where Slurm's client commands are not on PATH. */
export async function requireSlurm(): Promise<void> {
  if (!(await slurmAvailable())) {
    throw new UserInputError('--engine', "slurm needs Slurm's client commands (sbatch, squeue) on PATH; run on a cluster's login node, or use --engine local.");
  }
}

/**
 * A batch script's lines that run `sieve <args>` as the local engine's workers do: from the
 * repository root (where tsx and the workspace packages resolve), with the same Node, its output
 * appended or written (`redirect`, e.g. `>> log 2>&1`) where the local engine's would go.
 */
export function sieveCommand(args: string, redirect: string): string[] {
  return [
    `cd ${shellWord(REPOSITORY_ROOT)}`,
    'export NODE_ENV=production FORCE_COLOR=0',
    `exec ${shellWord(process.execPath)} --import tsx ${shellWord(MAIN_SCRIPT)} ${args} ${redirect}`,
  ];
}

/**
 * Writes `scripts` and a `submit.sh` that submits them in order, each after all before it have
 * ended (`afterany`: a job checks for itself that what it needs finished), into `folder`; runs
 * `submit.sh` and returns the Slurm job id of each role. When sbatch refuses one, those submitted
 * before it are cancelled and a UserInputError says what (`what`, e.g. "the bench's jobs") was
 * refused and why. The folder keeps what was submitted, so that it can be read and run again by hand.
 */
export async function submitChain(folder: string, scripts: readonly ChainedScript[], origin: string, what: string): Promise<Record<string, string>> {
  mkdirSync(folder, { recursive: true });
  for (const script of scripts) await writeFileAtomic(join(folder, `${script.role}.sbatch`), script.text);
  const lines = [
    '#!/usr/bin/env bash',
    `# ${origin}, submitted on ${new Date().toISOString()}.`,
    '# Run again by hand, it submits the same tasks; each skips what has finished since.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    'after=""',
  ];
  for (const { role } of scripts) {
    const variable = role.replace(/[^A-Za-z0-9_]/g, '_');
    lines.push(
      `${variable}=$(sbatch --parsable \${after:+--dependency=afterany:$after} ${role}.sbatch | cut -d';' -f1)`,
      `echo "${role} $${variable}"`,
      `after="\${after:+$after:}$${variable}"`,
    );
  }
  const submit = join(folder, 'submit.sh');
  await writeFileAtomic(submit, `${lines.join('\n')}\n`);
  await chmod(submit, 0o755);

  const result = await execa('bash', [submit], { reject: false, all: true });
  const ids: Record<string, string> = {};
  for (const line of result.stdout.split('\n')) {
    const [role, id] = line.trim().split(' ');
    if (role && id && /^\d+$/.test(id)) ids[role] = id;
  }
  if (result.exitCode !== 0 || scripts.some(({ role }) => !ids[role])) {
    // A chain refused halfway: what was submitted before the refusal is cancelled, not left to run alone.
    if (Object.keys(ids).length > 0) await execa('scancel', Object.values(ids), { reject: false });
    const reason = (result.all ?? '').trim().split('\n').at(-1) ?? `exit ${result.exitCode}`;
    throw new UserInputError('--engine', `sbatch refused ${what} (${reason}); the scripts are in ${folder}, fix the --partition, --account, --time or --gres given and run again.`);
  }
  return ids;
}
