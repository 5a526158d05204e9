import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES, UserInputError, parsePoints, type BenchmarkPoint, type RunSummary } from '@sieve/core';
import { COST_AXES, costOf, costToReach, mean, standardDeviation, usesReference, type CostAxis } from './reach';

/** What must be the same for two runs to be compared (benchmark protocol). */
export interface RunSetup {
  task: string;
  batchSize: number;
  /** Learner steps: the budget. */
  steps: number;
  /** The learner's architecture (the config's `model` section). */
  model: unknown;
}

export interface RunRecord {
  dir: string;
  selector: string;
  seed: number;
  setup: RunSetup;
  points: BenchmarkPoint[];
  summary: RunSummary | null;
}

export function readRun(dir: string): RunRecord {
  const pointsPath = join(dir, RUN_FILES.points);
  if (!existsSync(pointsPath)) throw new UserInputError('--runs', `${dir} has no points.jsonl; give run folders written by \`nx run trainer:train\`.`);
  // A run killed mid-write leaves a torn last line; the points before it are whole.
  const { points } = parsePoints(readFileSync(pointsPath, 'utf8'), pointsPath);
  if (points.length === 0) throw new UserInputError('--runs', `${pointsPath} holds no benchmark points yet; let the run reach its first evaluation.`);
  const summaryPath = join(dir, RUN_FILES.summary);
  const summary = existsSync(summaryPath) ? parseJson<RunSummary>(readFileSync(summaryPath, 'utf8'), summaryPath) : null;
  const configPath = join(dir, RUN_FILES.config);
  if (!existsSync(configPath)) throw new UserInputError('--runs', `${dir} has no config.json; give run folders written by \`nx run trainer:train\`.`);
  const config = parseJson<RunSetup & { selector: string; seed: number }>(readFileSync(configPath, 'utf8'), configPath);
  const setup = { task: config.task, batchSize: config.batchSize, steps: config.steps, model: config.model };
  return { dir, selector: config.selector, seed: config.seed, setup, points, summary };
}

function parseJson<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UserInputError(where, 'is not valid JSON; the run folder may be damaged.');
  }
}

/** What one seed's reference model cost, measured by the bench that trained it for its runs. */
export interface ReferenceCost {
  seed: number;
  cacheKey: string;
  flops: number;
  /** Null when no meter ran. */
  joules: number | null;
}

/** Mean and spread (sample standard deviation) over seeds. */
export interface Spread {
  mean: number;
  spread: number;
}

export interface CostToTarget extends Spread {
  /** Seeds that reached the target; the mean and spread are over them. */
  reached: number;
  /** Each seed's cost, null where it never reached the target (in the order of the runs). */
  perSeed: (number | null)[];
  /** The baseline's mean cost divided by this one; null when either is unknown. */
  ratioToBaseline: number | null;
}

export interface SelectorComparison {
  selector: string;
  seeds: number;
  /** Whether its runs used the reference model (and so are charged for it on the "with" axes). */
  usesReference: boolean;
  bestScore: Spread;
  /**
   * Mean and spread over seeds of the share of noisy examples (`NOISE_TAGS`) among those trained
   * on after the first benchmark point; null when the runs carry no noise tags.
   */
  noisyShare: Spread | null;
  /** Per axis: the cost to first reach the target; null when no seed reached it. */
  toTarget: Record<CostAxis, CostToTarget | null>;
  /** Mean joules of the reference model(s) its runs are charged for; 0 when it uses none; null when unknown. */
  referenceJoules: number | null;
  /**
   * How many runs it takes for the reference to pay for itself: reference joules over the joules
   * saved per run against the baseline (to the target, without the reference). Null when it uses no
   * reference, saves nothing, or a figure is unknown (`breakEvenNote` says which).
   */
  breakEvenRuns: number | null;
  breakEvenNote: 'no reference' | 'no saving' | 'unknown' | null;
  /** Task `files`: recall at each run's best-scoring point, mean and spread over seeds; absent for the other tasks. */
  retrieval?: RetrievalSpreads;
  /** The best score reached within the baseline's full-budget joules (quality at equal energy). */
  bestScoreWithinBaselineJoules: { withoutReference: (Spread & { seeds: number }) | null; withReference: (Spread & { seeds: number }) | null };
}

export interface RetrievalSpreads {
  imageToText: { at1: Spread; at5: Spread; at10: Spread };
  textToImage: { at1: Spread; at5: Spread; at10: Spread };
}

export interface Comparison {
  baseline: string;
  target: number;
  targetStep: number;
  /** The baseline's budget in learner steps. */
  budgetSteps: number;
  /** The target's step lies in the last 40% of the budget: the baseline may not have peaked. */
  censored: boolean;
  warnings: string[];
  /** Mean over the baseline's seeds of its joules over the whole budget; null without a meter. */
  baselineBudgetJoules: number | null;
  selectors: SelectorComparison[];
}

/** Tags of examples whose caption or label is wrong. */
export const NOISE_TAGS: readonly string[] = ['mismatched', 'junk', 'flipped'];

/** The noisy share of one point's make-up; null when the make-up carries no noise tag. */
export function noisyFraction(makeUp: Record<string, number> | undefined): number | null {
  if (!makeUp || !NOISE_TAGS.some((tag) => tag in makeUp)) return null;
  return NOISE_TAGS.reduce((sum, tag) => sum + (makeUp[tag] ?? 0), 0);
}

/**
 * The share of noisy examples among those trained on after the first benchmark point, weighted
 * by each interval's examples. The first interval holds the learning-rate warm-up (the presets
 * evaluate first at or after it ends), so this is the make-up "after warm-up".
 */
export function noisyShareAfterFirstPoint(points: readonly BenchmarkPoint[]): number | null {
  let noisy = 0;
  let trained = 0;
  for (let i = 1; i < points.length; i++) {
    const fraction = noisyFraction(points[i].selection?.makeUp);
    if (fraction === null) return null;
    const examples = points[i].examplesTrained - points[i - 1].examplesTrained;
    noisy += examples * fraction;
    trained += examples;
  }
  return trained > 0 ? noisy / trained : null;
}

/** The protocol: a target in the last 40% of the budget may be censored. */
export const CENSORING_FRACTION = 0.6;

export interface CompareOptions {
  baseline?: string;
  /** What each seed's reference cost, where a bench measured it. */
  references?: readonly ReferenceCost[];
}

/**
 * The protocol's comparison: the target is the best mean score (over seeds) that the baseline
 * reaches at any point; for every selector, the steps, FLOPs and joules to first reach it, with and
 * without the reference's one-off cost, the break-even count of runs, and the best score within
 * the baseline's energy.
 */
export function compareRuns(runs: readonly RunRecord[], options: CompareOptions = {}): Comparison {
  const baseline = options.baseline ?? 'uniform';
  checkComparable(runs);
  const bySelector = new Map<string, RunRecord[]>();
  for (const run of runs) bySelector.set(run.selector, [...(bySelector.get(run.selector) ?? []), run]);
  const baselineRuns = bySelector.get(baseline);
  if (!baselineRuns) throw new UserInputError('--baseline', `no run of "${baseline}" among the folders; include one or name another --baseline.`);
  const { score: target, step: targetStep } = bestMeanScore(baselineRuns);
  const budgetSteps = baselineRuns[0].setup.steps;
  const censored = targetStep > CENSORING_FRACTION * budgetSteps;
  const warnings = censored
    ? [
        `target may be censored: ${baseline}'s best mean score comes at step ${targetStep} of ${budgetSteps}, in the last ` +
          `${Math.round((1 - CENSORING_FRACTION) * 100)}% of the budget, so it may not have peaked; extend --steps.`,
      ]
    : [];

  const referenceJoulesOf = (run: RunRecord): number | null => {
    const record = options.references?.find((r) => r.seed === run.seed);
    return record?.joules ?? null;
  };
  const costsOf = (group: readonly RunRecord[], axis: CostAxis) => group.map((run) => costToReach(run.points, target, axis, referenceJoulesOf(run)));
  const reachedMean = (costs: (number | null)[]) => {
    const reached = costs.filter((c): c is number => c !== null);
    return reached.length > 0 ? mean(reached) : null;
  };
  const baselineMeans = Object.fromEntries(COST_AXES.map((axis) => [axis, reachedMean(costsOf(baselineRuns, axis))])) as Record<CostAxis, number | null>;
  const budgetJoules = baselineRuns.map((run) => costOf(run.points[run.points.length - 1], 'joulesWithoutReference'));
  const baselineBudgetJoules = budgetJoules.every((j): j is number => j !== null) ? mean(budgetJoules) : null;

  const selectors = [...bySelector.entries()].map(([selector, group]): SelectorComparison => {
    const toTarget = Object.fromEntries(
      COST_AXES.map((axis) => {
        const perSeed = costsOf(group, axis);
        const reached = perSeed.filter((c): c is number => c !== null);
        if (reached.length === 0) return [axis, null];
        const m = mean(reached);
        const base = baselineMeans[axis];
        return [axis, { mean: m, spread: standardDeviation(reached), reached: reached.length, perSeed, ratioToBaseline: base !== null && m > 0 ? base / m : null }];
      }),
    ) as SelectorComparison['toTarget'];
    const shares = group.map((run) => noisyShareAfterFirstPoint(run.points));
    const usesRef = group.some((run) => run.points.some(usesReference));
    const referenceJoules = usesRef ? nullableMean(group.map(referenceJoulesOf)) : 0;
    const saving =
      baselineMeans.joulesWithoutReference !== null && toTarget.joulesWithoutReference !== null
        ? baselineMeans.joulesWithoutReference - toTarget.joulesWithoutReference.mean
        : null;
    const breakEven = breakEvenOf(usesRef, referenceJoules, saving);
    return {
      selector,
      seeds: group.length,
      usesReference: usesRef,
      bestScore: spreadOf(group.map((run) => Math.max(...run.points.map((p) => p.score)))),
      noisyShare: shares.every((share): share is number => share !== null) ? spreadOf(shares) : null,
      ...retrievalAtBest(group),
      toTarget,
      referenceJoules,
      breakEvenRuns: breakEven.runs,
      breakEvenNote: breakEven.note,
      bestScoreWithinBaselineJoules: {
        withoutReference: bestWithin(group, baselineBudgetJoules, 'joulesWithoutReference', referenceJoulesOf),
        withReference: bestWithin(group, baselineBudgetJoules, 'joulesWithReference', referenceJoulesOf),
      },
    };
  });
  return { baseline, target, targetStep, budgetSteps, censored, warnings, baselineBudgetJoules, selectors };
}

/** Runs of different tasks, learner architectures, batch sizes or budgets are never compared. */
function checkComparable(runs: readonly RunRecord[]): void {
  const fields: [label: string, of: (setup: RunSetup) => string][] = [
    ['task', (s) => s.task],
    ['learner architecture (model)', (s) => JSON.stringify(s.model)],
    ['batch size', (s) => String(s.batchSize)],
    ['budget (steps)', (s) => String(s.steps)],
  ];
  for (const [label, of] of fields) {
    const first = runs[0];
    const other = runs.find((run) => of(run.setup) !== of(first.setup));
    if (other) {
      throw new UserInputError(
        '--runs',
        `runs that differ in ${label} are never compared: ${first.dir} has ${of(first.setup)}, ${other.dir} has ${of(other.setup)}; compare them in separate reports.`,
      );
    }
  }
}

function breakEvenOf(usesRef: boolean, referenceJoules: number | null, saving: number | null): { runs: number | null; note: SelectorComparison['breakEvenNote'] } {
  if (!usesRef) return { runs: null, note: 'no reference' };
  if (referenceJoules === null || saving === null) return { runs: null, note: 'unknown' };
  if (saving <= 0) return { runs: null, note: 'no saving' };
  return { runs: referenceJoules / saving, note: null };
}

/** Each seed's best score among the points within `budget` joules; mean and spread over the seeds that have one. */
function bestWithin(
  group: readonly RunRecord[],
  budget: number | null,
  axis: 'joulesWithoutReference' | 'joulesWithReference',
  referenceJoulesOf: (run: RunRecord) => number | null,
): (Spread & { seeds: number }) | null {
  if (budget === null) return null;
  const bests: number[] = [];
  for (const run of group) {
    const within = run.points.filter((p) => {
      const joules = costOf(p, axis, referenceJoulesOf(run));
      return joules !== null && joules <= budget;
    });
    if (within.length > 0) bests.push(Math.max(...within.map((p) => p.score)));
  }
  return bests.length > 0 ? { ...spreadOf(bests), seeds: bests.length } : null;
}

/** `{ retrieval }`: recall at each run's best-scoring point, over the runs; nothing unless every run has retrieval figures. */
function retrievalAtBest(runs: readonly RunRecord[]): { retrieval?: RetrievalSpreads } {
  const figures = runs.map((run) => run.points.reduce((best, p) => (p.score > best.score ? p : best), run.points[0])?.retrieval ?? null);
  if (figures.length === 0 || !figures.every((f) => f !== null && f !== undefined)) return {};
  const spreads = (direction: 'imageToText' | 'textToImage') => ({
    at1: spreadOf(figures.map((f) => f![direction].at1)),
    at5: spreadOf(figures.map((f) => f![direction].at5)),
    at10: spreadOf(figures.map((f) => f![direction].at10)),
  });
  return { retrieval: { imageToText: spreads('imageToText'), textToImage: spreads('textToImage') } };
}

/** The retrieval table's header: recall of each direction at 1, 5 and 10. */
export const RETRIEVAL_COLUMNS = ['selector', 'image→text R@1', 'R@5', 'R@10', 'text→image R@1', 'R@5', 'R@10'];

/** One row per selector with retrieval figures (task `files`); empty for the other tasks. */
export function retrievalRows(comparison: Comparison): string[][] {
  const cell = (s: Spread) => `${s.mean.toFixed(3)} ± ${s.spread.toFixed(3)}`;
  return comparison.selectors
    .filter((s) => s.retrieval)
    .map((s) => {
      const r = s.retrieval!;
      return [s.selector, cell(r.imageToText.at1), cell(r.imageToText.at5), cell(r.imageToText.at10), cell(r.textToImage.at1), cell(r.textToImage.at5), cell(r.textToImage.at10)];
    });
}

/** What "score" means where it is not the protocol's zero-shot accuracy (task `files`); null otherwise. */
export function scoreLine(comparison: Comparison): string | null {
  if (!comparison.selectors.some((s) => s.retrieval)) return null;
  return 'score: the mean of image→text and text→image recall@1 on the test set (a retrieved caption counts when it is the query\'s own or reads the same); recall at each run\'s best point below';
}

function spreadOf(values: readonly number[]): Spread {
  return { mean: mean(values), spread: standardDeviation(values) };
}

function nullableMean(values: readonly (number | null)[]): number | null {
  return values.every((v): v is number => v !== null) ? mean(values) : null;
}

/** Best score of the per-step mean over seeds (steps present in every seed). */
function bestMeanScore(runs: readonly RunRecord[]): { score: number; step: number } {
  const steps = runs[0].points.map((p) => p.step).filter((step) => runs.every((run) => run.points.some((p) => p.step === step)));
  let best = { score: -Infinity, step: 0 };
  for (const step of steps) {
    const score = mean(runs.map((run) => run.points.find((p) => p.step === step)!.score));
    if (score > best.score) best = { score, step };
  }
  return best;
}


/** Joules with a unit that keeps three figures: 950 J, 12.3 kJ, 1.05 MJ. */
export function formatJoules(joules: number): string {
  const abs = Math.abs(joules);
  if (joules === 0) return '0 J';
  if (abs >= 1e6) return `${(joules / 1e6).toPrecision(3)} MJ`;
  if (abs >= 1e3) return `${(joules / 1e3).toPrecision(3)} kJ`;
  return `${joules.toPrecision(3)} J`;
}

/** The columns of the comparison table, in order. */
export const COMPARISON_COLUMNS = [
  'selector',
  'seeds',
  'best score',
  'steps to target',
  'FLOPs to target, w/o reference',
  'joules to target, w/o reference',
  'FLOPs to target, with reference',
  'joules to target, with reference',
  'reference pays for itself after',
  "best score within the baseline's joules (w/o / with reference)",
  'noisy trained on, after the first point',
] as const;

/** What the table's cells mean, printed under it. */
export const COMPARISON_NOTE =
  'Mean ± standard deviation over seeds. Costs to reach the target are interpolated linearly between benchmark points and taken over the seeds that reached it, with (reached/seeds) when some did not; in brackets, the baseline’s cost against the selector’s. "w/o reference" leaves out the reference model’s one-off training and pool embedding; "with reference" charges each run for the reference of its seed once, as measured when the bench trained it. The reference pays for itself after (its joules) / (joules saved per run to the target). Best score within the baseline’s joules: the best point reached within the baseline’s mean joules over its whole budget.';

/** The line that states the target the table measures against. */
export function targetLine(comparison: Comparison): string {
  return `target: ${comparison.baseline}'s best mean score ${comparison.target.toFixed(4)} (at step ${comparison.targetStep} of ${comparison.budgetSteps})`;
}

/** FLOPs as 2.41e11 (0 as 0). */
export function formatFlops(flops: number): string {
  return flops === 0 ? '0' : flops.toExponential(2).replace('e+', 'e');
}

const CELL_FORMAT: Record<CostAxis, (value: number) => string> = {
  steps: (v) => v.toFixed(0),
  flopsWithoutReference: formatFlops,
  flopsWithReference: formatFlops,
  joulesWithoutReference: formatJoules,
  joulesWithReference: formatJoules,
};

/** `mean ± spread (ratio)`, `(reached/seeds)` when some seeds never got there, or `never`. */
export function costCell(s: SelectorComparison, axis: CostAxis): string {
  const t = s.toTarget[axis];
  // Reached in steps but with no figure on this axis: unknown (no meter, or no measured reference), not never.
  if (!t) return s.toTarget.steps ? '–' : 'never';
  const f = CELL_FORMAT[axis];
  const reached = t.reached < s.seeds ? ` (${t.reached}/${s.seeds} seeds)` : '';
  const ratio = t.ratioToBaseline === null ? '' : ` (${ratioWords(t.ratioToBaseline)})`;
  return `${f(t.mean)} ± ${f(t.spread)}${ratio}${reached}`;
}

/** 2.9x fewer / 1.3x more: the baseline's cost over the selector's, in words. */
export function ratioWords(ratio: number): string {
  if (Math.abs(ratio - 1) < 0.005) return 'same';
  return ratio > 1 ? `${ratio.toFixed(2)}x fewer` : `${(1 / ratio).toFixed(2)}x more`;
}

function breakEvenCell(s: SelectorComparison): string {
  if (s.breakEvenRuns !== null) return `${s.breakEvenRuns.toFixed(s.breakEvenRuns < 10 ? 1 : 0)} runs`;
  return s.breakEvenNote === 'no saving' ? 'never (no saving per run)' : s.breakEvenNote === 'unknown' ? '–' : 'no reference';
}

function spreadCell(value: (Spread & { seeds?: number }) | null, seeds: number, digits = 3): string {
  if (!value) return '–';
  const partial = value.seeds !== undefined && value.seeds < seeds ? ` (${value.seeds}/${seeds})` : '';
  return `${value.mean.toFixed(digits)} ± ${value.spread.toFixed(digits)}${partial}`;
}

/** One row of cells per selector, matching `COMPARISON_COLUMNS`: mean ± spread over seeds. */
export function comparisonRows(comparison: Comparison): string[][] {
  return comparison.selectors.map((s) => {
    const within = s.bestScoreWithinBaselineJoules;
    return [
      s.selector,
      String(s.seeds),
      spreadCell(s.bestScore, s.seeds),
      costCell(s, 'steps'),
      costCell(s, 'flopsWithoutReference'),
      costCell(s, 'joulesWithoutReference'),
      costCell(s, 'flopsWithReference'),
      costCell(s, 'joulesWithReference'),
      breakEvenCell(s),
      `${spreadCell(within.withoutReference, s.seeds)} / ${spreadCell(within.withReference, s.seeds)}`,
      s.noisyShare ? `${(100 * s.noisyShare.mean).toFixed(1)}% ± ${(100 * s.noisyShare.spread).toFixed(1)}` : '–',
    ];
  });
}

export function comparisonTable(comparison: Comparison): string {
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const retrieval = retrievalRows(comparison);
  return [
    [targetLine(comparison), scoreLine(comparison)].filter((line) => line !== null).join('; '),
    ...comparison.warnings.map((warning) => `WARNING: ${warning}`),
    '',
    row(COMPARISON_COLUMNS),
    row(COMPARISON_COLUMNS.map(() => '---')),
    ...comparisonRows(comparison).map(row),
    ...(retrieval.length > 0 ? ['', row(RETRIEVAL_COLUMNS), row(RETRIEVAL_COLUMNS.map(() => '---')), ...retrieval.map(row)] : []),
  ].join('\n');
}
