/** `nx run tools:readme-results [--results docs/results/<dir>/results.json]`: rewrites the README's results section. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { replaceResultsSection, resultsPathOf, resultsSection, type BenchResults } from '@sieve/trainer/analysis';

const root = resolve(import.meta.dirname, '../..');
const readmePath = join(root, 'README.md');
try {
  const { values } = parseArgs({ options: { results: { type: 'string' } } });
  const readme = readFileSync(readmePath, 'utf8');
  const given = values.results ?? resultsPathOf(readme);
  if (!given) throw new Error('give the bench results to show: --results docs/results/<dir>/results.json');
  const path = relative(root, resolve(process.cwd(), given)).split('\\').join('/');
  const results = JSON.parse(readFileSync(join(root, path), 'utf8')) as BenchResults;
  writeFileSync(readmePath, replaceResultsSection(readme, resultsSection(results, path)));
  process.stdout.write(`README.md: results section from ${path}\n`);
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
