/** `nx run tools:compare --runs DIR [DIR ...] [--baseline uniform] [--json]`: the protocol's comparison table. */
import { parseArgs } from 'node:util';
import { isUserInputError } from '@sieve/core';
import { compareRuns, comparisonTable, readRun } from '@sieve/trainer/analysis';

try {
  const { values, positionals } = parseArgs({
    options: { runs: { type: 'string', multiple: true }, baseline: { type: 'string', default: 'uniform' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const dirs = [...(values.runs ?? []), ...positionals];
  if (dirs.length === 0) throw new Error('give run folders: --runs DIR [DIR ...]');
  const comparison = compareRuns(dirs.map(readRun), { baseline: values.baseline });
  process.stdout.write(values.json ? `${JSON.stringify(comparison, null, 2)}\n` : `${comparisonTable(comparison)}\n`);
} catch (error) {
  process.stderr.write(`error: ${isUserInputError(error) || error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
