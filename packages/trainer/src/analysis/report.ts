/**
 * A benchmark report: one self-contained HTML page with the run list, the protocol's comparison
 * table and charts (inline SVG, rendered here with vega-lite and vega) of score against steps,
 * FLOPs and joules for every selector, and of what each selector chose.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchmarkPoint } from '@sieve/core';
import {
  COMPARISON_COLUMNS,
  COMPARISON_NOTE,
  NOISE_TAGS,
  RETRIEVAL_COLUMNS,
  compareRuns,
  noisyFraction,
  comparisonRows,
  retrievalRows,
  scoreLine,
  targetLine,
  type Comparison,
  type ReferenceCost,
  type RunRecord,
} from './compare';
import { costOf, mean } from './reach';
import { GOAL_COLUMNS, goalRows, goalsLead, type BenchGoals } from './goals';
import { systemsRows, type SystemsFigures } from './systems-figures';

export interface ReportOptions {
  /** The selector whose best mean score is the target; `uniform` when not given. */
  baseline?: string;
  title?: string;
  /** What each seed's reference cost, where a bench measured it. */
  references?: readonly ReferenceCost[];
  /** Lines under the title (settings, machine, date). */
  lead?: string[];
  /** The default selector's goals, when it ran in the bench. */
  goals?: BenchGoals;
  systems?: SystemsFigures;
}

const DEFAULT_TITLE = 'Sieve benchmark report';
const CHART_WIDTH = 720;
const CHART_HEIGHT = 320;
const SCORE_TITLE = 'score (0–1, higher is better)';
/** Tags whose examples hurt training: what a good selector avoids. */
/** Fixed colours for the known tags, so that every report reads the same way. */
const TAG_COLOURS: Record<string, string> = {
  clean: '#59a14f',
  duplicate: '#4e79a7',
  mismatched: '#f28e2b',
  junk: '#e15759',
  flipped: '#e15759',
};
const OTHER_TAG_COLOURS = ['#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#bab0ac'];

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One chart of the report: its heading, the SVG (or null when it was skipped) and a plain-text note under it. */
export interface ReportChart {
  id: string;
  heading: string;
  svg: string | null;
  note: string;
}

export async function buildReport(runs: RunRecord[], options: ReportOptions = {}): Promise<string> {
  const comparison = compareRuns(runs, { baseline: options.baseline ?? 'uniform', references: options.references });
  const charts = await reportCharts(runs, comparison, options.references);
  return reportPage(runs, comparison, charts, options);
}

/**
 * The selectors with the baseline first, then in the order the runs were given: the colour scale's
 * domain, so that the baseline keeps the same colour in every report.
 */
function selectorOrder(comparison: Comparison): string[] {
  const others = comparison.selectors.map((s) => s.selector).filter((s) => s !== comparison.baseline);
  return [comparison.baseline, ...others];
}

// ---------------------------------------------------------------------------------------------
// Data: per selector and evaluation step, the mean over seeds and its spread.

interface CurveRow {
  selector: string;
  step: number;
  /** Mean over seeds of the x value (steps, FLOPs or joules) at this step. */
  x: number;
  mean: number;
  min: number;
  max: number;
  seeds: number;
}

function groupBySelector(runs: readonly RunRecord[]): Map<string, RunRecord[]> {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) groups.set(run.selector, [...(groups.get(run.selector) ?? []), run]);
  return groups;
}

/**
 * For every selector and step, the mean, min and max over seeds of `y`, at the mean over seeds of
 * `x`. Points where either is null are left out.
 */
function curves(
  runs: readonly RunRecord[],
  x: (p: BenchmarkPoint, run: RunRecord) => number | null,
  y: (p: BenchmarkPoint) => number | null,
): CurveRow[] {
  const rows: CurveRow[] = [];
  for (const [selector, group] of groupBySelector(runs)) {
    const byStep = new Map<number, { x: number; y: number }[]>();
    for (const run of group) {
      for (const point of run.points) {
        const xv = x(point, run);
        const yv = y(point);
        if (xv === null || yv === null || !Number.isFinite(xv) || !Number.isFinite(yv)) continue;
        byStep.set(point.step, [...(byStep.get(point.step) ?? []), { x: xv, y: yv }]);
      }
    }
    for (const [step, values] of [...byStep.entries()].sort((a, b) => a[0] - b[0])) {
      const ys = values.map((v) => v.y);
      rows.push({ selector, step, x: mean(values.map((v) => v.x)), mean: mean(ys), min: Math.min(...ys), max: Math.max(...ys), seeds: values.length });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Charts.

async function render(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const chartConfig = {
  font: 'Helvetica, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: 260, symbolOpacity: 1 },
  title: { fontSize: 14, anchor: 'start' as const },
  view: { stroke: '#bbbbbb' },
};

interface AxisChoice {
  title: string;
  format?: string;
}

/**
 * Per selector, the mean over seeds as a line with points, over its min–max band where a selector
 * has several seeds. `y` is the y encoding without its field.
 */
function meanLinesWithBands(rows: CurveRow[], x: object, y: { type: 'quantitative'; title: string; scale?: object; axis?: object }, colour: object): object[] {
  const bandRows = rows.filter((r) => r.seeds > 1);
  const band = {
    data: { values: bandRows },
    mark: { type: 'area', opacity: 0.18 },
    encoding: { x, y: { ...y, field: 'min' }, y2: { field: 'max' }, color: colour, detail: { field: 'selector', type: 'nominal' } },
  };
  const lines = {
    data: { values: rows },
    mark: { type: 'line', point: { size: 36 }, strokeWidth: 2 },
    encoding: { x, y: { ...y, field: 'mean' }, color: { ...colour, title: 'selector' } },
  };
  return bandRows.length > 0 ? [band, lines] : [lines];
}

/** A dashed horizontal rule at `value`, labelled at the chart's left edge. */
function labelledRule(value: number, label: string, yTitle: string, strokeWidth?: number): object[] {
  const values = [{ value, label }];
  const y = { field: 'value', type: 'quantitative', title: yTitle };
  return [
    { data: { values }, mark: { type: 'rule', strokeDash: [6, 4], color: '#333333', ...(strokeWidth ? { strokeWidth } : {}) }, encoding: { y } },
    {
      data: { values },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -3, color: '#333333', fontSize: 11 },
      encoding: { y, x: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

/** Score against one cost axis: a line per selector (mean over seeds), a min–max band, the target rule. */
function scoreChart(rows: CurveRow[], comparison: Comparison, xAxis: AxisChoice): TopLevelSpec {
  const selectors = selectorOrder(comparison).filter((s) => rows.some((r) => r.selector === s));
  const colour = { field: 'selector', type: 'nominal' as const, scale: { domain: selectorOrder(comparison), scheme: 'tableau10' }, sort: selectors };
  const x = { field: 'x', type: 'quantitative' as const, title: xAxis.title, axis: xAxis.format ? { format: xAxis.format } : {} };
  const target = comparison.target;
  return {
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: chartConfig,
    layer: [
      ...meanLinesWithBands(rows, x, { type: 'quantitative', title: SCORE_TITLE, scale: { zero: false } }, colour),
      ...labelledRule(target, `target ${target.toFixed(3)} (${comparison.baseline}'s best mean)`, SCORE_TITLE, 1.5),
    ],
  } as TopLevelSpec;
}

interface MakeUpRow {
  selector: string;
  step: number;
  tag: string;
  fraction: number;
}

/** Per selector and step, the mean over seeds of each tag's fraction among the examples trained on. */
function makeUpRows(runs: readonly RunRecord[], tags: readonly string[]): MakeUpRow[] {
  const rows: MakeUpRow[] = [];
  for (const tag of tags) {
    for (const row of curves(runs, (p) => p.step, (p) => p.selection?.makeUp?.[tag] ?? null)) {
      rows.push({ selector: row.selector, step: row.step, tag, fraction: row.mean });
    }
  }
  return rows;
}

function tagsOf(runs: readonly RunRecord[]): string[] {
  const tags: string[] = [];
  for (const run of runs) {
    for (const point of run.points) {
      for (const tag of Object.keys(point.selection?.makeUp ?? {})) if (!tags.includes(tag)) tags.push(tag);
    }
  }
  return tags;
}

/** The pool's share of the given tags, from the first point that reports it. */
function poolShare(runs: readonly RunRecord[], tags: readonly string[]): number | null {
  for (const run of runs) {
    for (const point of run.points) {
      const pool = point.selection?.poolMakeUp;
      if (pool && tags.some((tag) => tag in pool)) return tags.reduce((sum, tag) => sum + (pool[tag] ?? 0), 0);
    }
  }
  return null;
}

/** The share of noisy examples (mismatched + junk, or flipped labels) trained on, per selector. */
function noiseChart(runs: readonly RunRecord[], comparison: Comparison, noiseTags: string[]): TopLevelSpec {
  const rows = curves(runs, (p) => p.step, (p) => noisyFraction(p.selection?.makeUp));
  const selectors = selectorOrder(comparison);
  const pool = poolShare(runs, noiseTags);
  const title = `${noiseTags.join(' + ')} share`;
  const colour = { field: 'selector', type: 'nominal' as const, scale: { domain: selectors, scheme: 'tableau10' }, sort: selectors };
  const x = { field: 'x', type: 'quantitative' as const, title: 'learner steps' };
  return {
    width: CHART_WIDTH,
    height: 260,
    config: chartConfig,
    layer: [
      ...meanLinesWithBands(rows, x, { type: 'quantitative', title, axis: { format: '.0%' } }, colour),
      ...(pool === null ? [] : labelledRule(pool, `pool: ${(pool * 100).toFixed(0)}%`, title)),
    ],
  } as TopLevelSpec;
}

/** Every tag's share, stacked, one small chart per selector. */
function makeUpChart(runs: readonly RunRecord[], comparison: Comparison, tags: string[]): TopLevelSpec {
  let other = 0;
  const colours = tags.map((tag) => TAG_COLOURS[tag] ?? OTHER_TAG_COLOURS[other++ % OTHER_TAG_COLOURS.length]);
  const selectors = selectorOrder(comparison);
  return {
    data: { values: makeUpRows(runs, tags).map((row) => ({ ...row, order: tags.indexOf(row.tag) })) },
    config: chartConfig,
    columns: Math.min(3, selectors.length),
    facet: { field: 'selector', type: 'nominal', sort: selectors, title: null, header: { labelFontSize: 12, labelLimit: 220 } },
    // Every cell its own x axis: otherwise an incomplete last row leaves an axis under an empty cell.
    resolve: { axis: { x: 'independent' } },
    spec: {
      width: 210,
      height: 130,
      mark: { type: 'area' },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'learner steps' },
        y: { field: 'fraction', type: 'quantitative', title: 'fraction of examples', stack: 'zero', scale: { domain: [0, 1] }, axis: { format: '.0%', tickCount: 5 } },
        color: { field: 'tag', type: 'nominal', title: 'tag', scale: { domain: tags, range: colours }, sort: tags },
        order: { field: 'order', type: 'quantitative' },
      },
    },
  } as TopLevelSpec;
}

/** Renders every chart of the report; a chart with no data is skipped with a note saying why. */
export async function reportCharts(runs: readonly RunRecord[], comparison: Comparison, references?: readonly ReferenceCost[]): Promise<ReportChart[]> {
  const charts: ReportChart[] = [];
  const anySpread = [...groupBySelector(runs).values()].some((group) => group.length > 1);
  const spreadNote = anySpread
    ? 'Lines: mean over seeds at each evaluation point; shaded band: lowest to highest seed.'
    : 'Lines: one seed per selector, so no spread is shown; run at least 3 seeds to see it.';
  const targetNote = `Dashed rule: the target, ${comparison.baseline}'s best mean score ${comparison.target.toFixed(4)} (at step ${comparison.targetStep}).`;
  const score = (p: BenchmarkPoint) => p.score;

  charts.push({
    id: 'score-steps',
    heading: 'Score against learner steps',
    svg: await render(scoreChart(curves(runs, (p) => p.step, score), comparison, { title: 'learner steps' })),
    note: `${spreadNote} ${targetNote}`,
  });

  charts.push({
    id: 'score-flops',
    heading: 'Score against total FLOPs',
    svg: await render(
      scoreChart(
        curves(runs, (p) => costOf(p, 'flopsWithReference'), score),
        comparison,
        { title: 'total FLOPs (all phases, with the one-off reference cost; G = 10⁹, T = 10¹²)', format: '~s' },
      ),
    ),
    note: `${spreadNote} x: mean over seeds of the cumulative FLOPs at each point. ${targetNote}`,
  });

  const referenceJoulesOf = (run: RunRecord) => references?.find((r) => r.seed === run.seed)?.joules ?? null;
  const joulesCharts = [
    {
      id: 'score-joules',
      heading: 'Score against joules, without the reference',
      x: (p: BenchmarkPoint) => costOf(p, 'joulesWithoutReference'),
      what: "cumulative joules less the reference model's one-off training and pool embedding",
    },
    {
      id: 'score-joules-with-reference',
      heading: 'Score against joules, with the reference',
      x: (p: BenchmarkPoint, run: RunRecord) => costOf(p, 'joulesWithReference', referenceJoulesOf(run)),
      what: 'cumulative joules plus what the run’s reference model cost to train and embed the pool, charged once',
    },
  ];
  for (const chart of joulesCharts) {
    const joulesRows = curves(runs, chart.x, score);
    if (joulesRows.length === 0) {
      charts.push({ id: chart.id, heading: chart.heading, svg: null, note: 'Skipped: no run recorded these joules (no energy meter ran, or no reference cost was measured).' });
      continue;
    }
    const kinds = new Set(runs.map((run) => energyKind(run)).filter((k) => k !== null));
    const kindWord = kinds.size === 1 ? `, ${[...kinds][0]}` : kinds.size > 1 ? ', measured and estimated mixed' : '';
    const missing = selectorOrder(comparison).filter((s) => !joulesRows.some((r) => r.selector === s));
    charts.push({
      id: chart.id,
      heading: chart.heading,
      svg: await render(scoreChart(joulesRows, comparison, { title: `energy (J${kindWord}; k = 10³)`, format: '~s' })),
      note: `${spreadNote} x: mean over seeds of the ${chart.what}. ${targetNote}${
        missing.length > 0 ? ` No such joules recorded for: ${missing.join(', ')}.` : ''
      }`,
    });
  }

  const tags = tagsOf(runs);
  const noiseTags = NOISE_TAGS.filter((tag) => tags.includes(tag));
  if (tags.length === 0) {
    charts.push({ id: 'make-up', heading: 'Selection make-up', svg: null, note: 'Skipped: no point reports the make-up of what was trained on.' });
    return charts;
  }
  if (noiseTags.length > 0) {
    charts.push({
      id: 'noise',
      heading: `Share of ${noiseTags.join(' + ')} trained on`,
      svg: await render(noiseChart(runs, comparison, noiseTags)),
      note: `Fraction of the examples trained on since the previous point whose ground-truth tag is ${noiseTags.join(' or ')} (no selector reads the tags). Lower is better. Dashed rule: the share in the training pool, which uniform sampling matches.`,
    });
  }
  charts.push({
    id: 'make-up',
    heading: 'Selection make-up by tag',
    svg: await render(makeUpChart(runs, comparison, tags)),
    note: 'Every tag’s share of the examples trained on since the previous point, stacked; mean over seeds.',
  });
  return charts;
}

// ---------------------------------------------------------------------------------------------
// The page.

function energyKind(run: RunRecord): 'measured' | 'estimated' | null {
  return (run.summary?.energy ?? run.points.at(-1)?.energy)?.kind ?? null;
}

function runRow(run: RunRecord): string[] {
  const energy = run.summary?.energy ?? run.points.at(-1)?.energy ?? null;
  const sources = energy?.sources?.length ? energy.sources.map((s) => `${s.name} (${s.measured ? 'measured' : 'estimated'})`).join(', ') : 'none';
  const steps = run.summary?.steps ?? run.points.at(-1)?.step ?? 0;
  return [
    run.selector,
    String(run.seed),
    String(steps),
    run.summary?.task ?? '–',
    run.summary?.backend ?? '–',
    sources,
    energy?.kind ?? 'no energy',
    run.summary ? run.summary.status : 'no summary',
    run.dir,
  ];
}

/** An HTML table; the cells of the columns `isNumeric` picks are set in tabular figures. */
function table(header: readonly string[], rows: readonly string[][], isNumeric: (column: number) => boolean): string {
  const cell = (tag: 'th' | 'td', text: string, index: number) => `<${tag}${tag === 'td' && isNumeric(index) ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${header.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 24px auto; max-width: 1100px; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 24px 0 4px; }
p.lead, p.note { color: #555; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { font-variant-numeric: tabular-nums; }
p.warning { color: #a40000; font-weight: bold; }
figure { margin: 8px 0 16px; }
figure svg { max-width: 100%; height: auto; }
`;

/** The whole HTML page: runs, warnings, the comparison, systems figures (when given) and charts. */
export function reportPage(runs: readonly RunRecord[], comparison: Comparison, charts: readonly ReportChart[], options: ReportOptions = {}): string {
  const title = options.title ?? DEFAULT_TITLE;
  const selectors = selectorOrder(comparison);
  const seeds = [...groupBySelector(runs).values()].map((g) => g.length);
  const seedWord = Math.min(...seeds) === Math.max(...seeds) ? `${seeds[0]} seed${seeds[0] === 1 ? '' : 's'} each` : `${Math.min(...seeds)}–${Math.max(...seeds)} seeds each`;
  const runHeader = ['selector', 'seed', 'steps', 'task', 'backend', 'energy sources', 'energy', 'status', 'folder'];
  const chartHtml = charts.map((chart) =>
    [
      `<section id="${escapeHtml(chart.id)}">`,
      `<h3>${escapeHtml(chart.heading)}</h3>`,
      chart.svg === null ? '' : `<figure>${chart.svg}</figure>`,
      `<p class="note">${escapeHtml(chart.note)}</p>`,
      '</section>',
    ]
      .filter((line) => line !== '')
      .join('\n'),
  );
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="lead">${runs.length} run${runs.length === 1 ? '' : 's'} of ${selectors.length} selector${selectors.length === 1 ? '' : 's'} (${escapeHtml(selectors.join(', '))}), ${seedWord}; baseline ${escapeHtml(comparison.baseline)}.</p>`,
    ...(options.lead ?? []).map((line) => `<p class="lead">${escapeHtml(line)}</p>`),
    ...comparison.warnings.map((warning) => `<p class="warning">Warning: ${escapeHtml(warning)}</p>`),
    '<h2>Runs</h2>',
    table(runHeader, runs.map(runRow), (column) => column === 1 || column === 2),
    '<h2>Comparison</h2>',
    `<p>${escapeHtml([targetLine(comparison), scoreLine(comparison)].filter((line) => line !== null).join('; '))}</p>`,
    table(COMPARISON_COLUMNS, comparisonRows(comparison), (column) => column > 0),
    `<p class="note">${escapeHtml(COMPARISON_NOTE)}</p>`,
    ...(retrievalRows(comparison).length > 0 ? ['<h3>Retrieval</h3>', table(RETRIEVAL_COLUMNS, retrievalRows(comparison), (column) => column > 0)] : []),
    ...(options.goals
      ? ['<h2>Goals</h2>', `<p>${escapeHtml(goalsLead(options.goals.selector))}</p>`, table(GOAL_COLUMNS, goalRows(options.goals.checks), () => false)]
      : []),
    ...(options.systems
      ? ['<h2>Systems figures</h2>', table(['figure', 'value'], systemsRows(options.systems), () => false)]
      : []),
    '<h2>Charts</h2>',
    ...chartHtml,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
