import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RUN_FILES, UserInputError, describeFsError } from '@sieve/core';

const RUN_MARKERS: string[] = [RUN_FILES.points, RUN_FILES.summary, RUN_FILES.events];

/**
 * Checks, before anything is trained or written, that `--out` can hold this run: the folder itself
 * can be created and written (probed by creating it and a temporary file in it, both removed at
 * once), and it does not already hold a run unless `overwrite` is set. A filesystem error (a name
 * too long, no permission, a read-only or full disk) is the user's to fix: one line naming --out.
 */
export function checkOutDir(out: string, overwrite: boolean): void {
  try {
    checkTarget(out, overwrite);
    probeWritable(resolve(out));
  } catch (error) {
    const described = describeFsError(error);
    if (!described) throw error;
    // The problem names the path already, except for the limits of the process (EMFILE, ENFILE).
    const folder = described.path === undefined ? ` ${out}` : '';
    throw new UserInputError('--out', `cannot write the run folder${folder}: ${described.problem}; ${outFix(described.code)}.`);
  }
}

function checkTarget(out: string, overwrite: boolean): void {
  const target = resolve(out);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) {
      throw new UserInputError('--out', `${out} exists and is not a folder; choose another --out.`);
    }
    const previous = readdirSync(target).filter((name) => RUN_MARKERS.includes(name));
    if (previous.length > 0 && !overwrite) {
      throw new UserInputError(
        '--out',
        `${out} already holds a run (${previous.join(', ')}); choose another --out, or pass --overwrite to replace it.`,
      );
    }
  }
  let existing = target;
  while (!existsSync(existing)) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    throw new UserInputError('--out', `cannot create ${out}: ${existing} is a file, not a folder.`);
  }
}

/**
 * Creates `target` (and the folders above it that are missing) and a file in it, then removes all
 * it created, also when a step fails. Only creating them shows a name too long for the filesystem
 * or a read-only mount.
 */
function probeWritable(target: string): void {
  const missing: string[] = [];
  for (let dir = target; !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
  const created: string[] = [];
  try {
    for (const dir of missing) {
      mkdirSync(dir);
      created.push(dir);
    }
    const probe = join(target, `.sieve-write-probe-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } finally {
    for (const dir of created.reverse()) rmdirSync(dir);
  }
}

/** What to do about a filesystem error on --out, before the run has started. */
function outFix(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'free space, or choose an --out on another disk';
    case 'ENAMETOOLONG':
      return 'choose a shorter --out';
    case 'EMFILE':
    case 'ENFILE':
      return 'raise ulimit -n, then start the run again';
    case 'EROFS':
      return 'choose an --out on a writable filesystem';
    default:
      return 'choose an --out you can write to';
  }
}

/** Removes the files of a previous run in `out` (only called with --overwrite). */
export function clearPreviousRun(out: string): void {
  for (const name of [...RUN_MARKERS, 'config.json', 'energy.csv', 'checkpoint']) rmSync(join(out, name), { recursive: true, force: true });
}
