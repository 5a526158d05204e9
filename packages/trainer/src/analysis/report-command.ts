/** The `report` command: read run folders, build the HTML report and write it atomically. */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import writeFileAtomic from 'write-file-atomic';
import { UserInputError } from '@sieve/core';
import { readRun } from './compare';
import { buildReport } from './report';

export const REPORT_USAGE = 'nx run tools:report --runs DIR [DIR ...] [--out report.html] [--baseline uniform] [--title TEXT]';

/**
 * Runs the command on `args` (the words after the command name) and returns the absolute path of
 * the report it wrote. Bad input throws `UserInputError` naming the flag or folder, before any
 * file is written.
 */
export async function reportCommand(args: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      runs: { type: 'string', multiple: true },
      out: { type: 'string', default: 'report.html' },
      baseline: { type: 'string', default: 'uniform' },
      title: { type: 'string' },
    },
    allowPositionals: true,
  });
  const dirs = [...(values.runs ?? []), ...positionals];
  if (dirs.length === 0) throw new UserInputError('--runs', `give run folders: ${REPORT_USAGE}`);
  const out = resolve(values.out);
  const folder = dirname(out);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UserInputError('--out', `folder ${folder} does not exist; create it or write elsewhere.`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new UserInputError('--out', `${out} is a folder; give a file name such as report.html.`);
  const runs = dirs.map(readRun);
  const html = await buildReport(runs, { baseline: values.baseline, title: values.title });
  await writeFileAtomic(out, html);
  return out;
}
