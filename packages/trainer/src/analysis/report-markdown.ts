/** The benchmark report as Markdown: the same tables as the HTML page, with the charts as SVG files beside it. */
import { COMPARISON_COLUMNS, COMPARISON_NOTE, RETRIEVAL_COLUMNS, comparisonRows, retrievalRows, scoreLine, targetLine, type Comparison } from './compare';
import { GOAL_COLUMNS, goalRows, goalsLead, type BenchGoals } from './goals';
import { systemsRows, type SystemsFigures } from './systems-figures';

/** A Markdown table; `|` inside cells is escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const row = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

/** The target, any warning, the comparison table and what its cells mean. */
export function comparisonMarkdown(comparison: Comparison): string {
  return [
    `${[targetLine(comparison), scoreLine(comparison)].filter((line) => line !== null).join('; ')}.`,
    ...comparison.warnings.map((warning) => `\n**Warning: ${warning}**`),
    '',
    markdownTable(COMPARISON_COLUMNS, comparisonRows(comparison)),
    '',
    COMPARISON_NOTE,
    ...(retrievalRows(comparison).length > 0 ? ['', markdownTable(RETRIEVAL_COLUMNS, retrievalRows(comparison))] : []),
  ].join('\n');
}

export interface MarkdownReportInput {
  title: string;
  lead: string[];
  comparison: Comparison;
  /** The default selector's goals, when it ran in the bench. */
  goals?: BenchGoals;
  systems: SystemsFigures | null;
  /** Charts written as files, relative to the report. */
  charts: { heading: string; file: string | null; note: string }[];
}

export function reportMarkdown(input: MarkdownReportInput): string {
  const sections = [`# ${input.title}`, '', ...input.lead.map((line) => `- ${line}`), '', '## Comparison', '', comparisonMarkdown(input.comparison)];
  if (input.goals) sections.push('', goalsMarkdown(input.goals));
  if (input.systems) sections.push('', '## Systems figures', '', markdownTable(['figure', 'value'], systemsRows(input.systems)));
  sections.push('', '## Charts');
  for (const chart of input.charts) {
    sections.push('', `### ${chart.heading}`, '');
    if (chart.file) sections.push(`![${chart.heading}](${chart.file})`, '');
    sections.push(chart.note);
  }
  return `${sections.join('\n')}\n`;
}

/** The goals section: its heading (`##` in the report, deeper where it sits under another), lead line and table. */
export function goalsMarkdown(goals: BenchGoals, headingLevel = 2): string {
  return [`${'#'.repeat(headingLevel)} Goals`, '', goalsLead(goals.selector), '', markdownTable(GOAL_COLUMNS, goalRows(goals.checks))].join('\n');
}
