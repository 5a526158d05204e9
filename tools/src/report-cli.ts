/**
 * `nx run tools:report --runs DIR [DIR ...] [--out report.html] [--baseline uniform] [--title TEXT]`:
 * one self-contained HTML page with the run list, the comparison table and charts.
 */
import { isUserInputError } from '@sieve/core';
import { reportCommand } from '@sieve/trainer/analysis';

try {
  process.stdout.write(`${await reportCommand(process.argv.slice(2))}\n`);
} catch (error) {
  process.stderr.write(`error: ${isUserInputError(error) || error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
