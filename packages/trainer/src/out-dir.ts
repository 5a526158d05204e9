import { existsSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RUN_FILES, UserInputError } from '@sieve/core';

const RUN_MARKERS: string[] = [RUN_FILES.points, RUN_FILES.summary, RUN_FILES.events];

/**
 * Checks, before anything is trained or written, that `--out` can hold this run: the nearest
 * existing folder on its path is writable (probed with a temporary file that is removed at once),
 * and it does not already hold a run unless `overwrite` is set.
 */
export function checkOutDir(out: string, overwrite: boolean): void {
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
  const probe = join(existing, `.sieve-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw new UserInputError(
      '--out',
      `cannot write to ${existing} (${(error as NodeJS.ErrnoException).code ?? String(error)}); choose a writable --out.`,
    );
  }
}

/** Removes the files of a previous run in `out` (only called with --overwrite). */
export function clearPreviousRun(out: string): void {
  for (const name of [...RUN_MARKERS, 'config.json', 'energy.csv', 'checkpoint']) rmSync(join(out, name), { recursive: true, force: true });
}
