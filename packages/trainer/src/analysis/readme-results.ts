/**
 * The README's results section, generated from a committed bench's results.json so that no
 * figure in it is typed by hand: `nx run tools:readme-results --results docs/results/<dir>/results.json`.
 */
import { posix } from 'node:path';
import { superBatchSizeOf } from '@sieve/core';
import type { BenchResults } from './bench-results';
import { comparisonMarkdown, goalsMarkdown, markdownTable } from './report-markdown';
import { machineLine, systemsRows } from './systems-figures';

export const RESULTS_START = '<!-- results:start';
export const RESULTS_END = '<!-- results:end -->';

/** The section for `results` read from `resultsPath` (relative to the README, with forward slashes). */
export function resultsSection(results: BenchResults, resultsPath: string): string {
  const folder = posix.dirname(resultsPath);
  const s = results.settings;
  const superBatch = superBatchSizeOf(s.batchSize, s.filterRatio);
  const referenceJoules = results.references.map((r) => ((r.trainingJoules ?? 0) + (r.embeddingJoules ?? 0)).toFixed(0));
  return [
    `${RESULTS_START} ${resultsPath} -->`,
    `_Generated from [${posix.basename(resultsPath)}](${resultsPath}) by \`nx run tools:readme-results\`; not edited by hand._`,
    '',
    `Measured on ${results.date} with \`nx run trainer:bench${results.parallelJobs ? ` --jobs ${results.parallelJobs}` : ''}\` (preset \`${results.preset}\`, task \`${results.task}\`): ` +
      `${results.selectors.length} selectors x ${results.seeds.length} seeds, ${s.steps} learner steps of b = ${s.batchSize} chosen from N = ${superBatch}, ` +
      `a point every ${s.evalEvery} steps. The whole bench took ${(results.wallSeconds / 60).toFixed(0)} minutes on ${machineLine(results.machine)}. ` +
      `Each seed's reference model was trained from scratch for the bench (${s.referenceSteps} steps; ${referenceJoules.join(', ')} J).`,
    '',
    comparisonMarkdown(results.comparison),
    '',
    ...(results.goals ? [goalsMarkdown(results.goals, 3), ''] : []),
    `![Score against joules, without the reference](${folder}/charts/score-joules.svg)`,
    '',
    `The same with the reference charged: [chart](${folder}/charts/score-joules-with-reference.svg). ` +
      `The whole report, with the charts against steps and FLOPs and what each selector trained on: [report.md](${folder}/report.md).`,
    ...(results.systems ? ['', markdownTable(['systems figure', 'value'], systemsRows(results.systems))] : []),
    RESULTS_END,
  ].join('\n');
}

/** `readme` with its results section replaced (or an error saying the markers are missing). */
export function replaceResultsSection(readme: string, section: string): string {
  const start = readme.indexOf(RESULTS_START);
  const end = readme.indexOf(RESULTS_END);
  if (start < 0 || end < start) throw new Error(`README.md has no results section (a line starting "${RESULTS_START}" and one "${RESULTS_END}")`);
  return readme.slice(0, start) + section + readme.slice(end + RESULTS_END.length);
}

/** The results.json the README's section names, or null when it names none. */
export function resultsPathOf(readme: string): string | null {
  const match = readme.match(/<!-- results:start (\S+) -->/);
  return match ? match[1] : null;
}

