import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError, describeFsError, type RunConfig } from '@sieve/core';

/** The setting that moves the reference's cache: its own, when given, else the data cache it lives under. */
function cacheSettingOf(config: RunConfig): string {
  return config.reference.cacheDir !== undefined ? 'reference.cacheDir' : 'data.cacheDir';
}

/**
 * Checks that the reference's cache folder `dir` can be written (creating it, and a probe file in
 * it that is removed at once) before minutes of training go into a model that could not be kept.
 */
export function checkCacheWritable(dir: string, config: RunConfig): void {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.sieve-write-probe-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw cacheError(error, dir, config);
  }
}

/** Runs `write` into the cache folder `dir`; a filesystem error the user can fix names the cache and its setting. */
export async function writingCache<T>(dir: string, config: RunConfig, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw cacheError(error, dir, config);
  }
}

function cacheError(error: unknown, dir: string, config: RunConfig): unknown {
  const described = describeFsError(error);
  if (!described) return error;
  const setting = cacheSettingOf(config);
  const fix = ['ENOSPC', 'EDQUOT'].includes(described.code)
    ? `free space there, or set ${setting} in a config file to a folder on another disk`
    : `set ${setting} in a config file to a folder you can write`;
  // The problem names the path it failed on; the folder is named too when that is another one.
  const folder = described.path === dir ? '' : ` ${dir}`;
  return new UserInputError(setting, `cannot write the reference model's cache folder${folder}: ${described.problem}; ${fix}.`);
}
