import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError, type BenchmarkPoint, type RunSummary } from '@sieve/core';
import { costToReach, mean, standardDeviation, type CostAxis } from './reach';

export interface RunRecord {
  dir: string;
  selector: string;
  seed: number;
  points: BenchmarkPoint[];
  summary: RunSummary | null;
}

export function readRun(dir: string): RunRecord {
  const pointsPath = join(dir, 'points.jsonl');
  if (!existsSync(pointsPath)) throw new UserInputError('--runs', `${dir} has no points.jsonl; give run folders written by \`nx run trainer:train\`.`);
  const points = readFileSync(pointsPath, 'utf8')
    .split('\n')
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, index }) => parseJson<BenchmarkPoint>(line, `${pointsPath} line ${index + 1}`));
  if (points.length === 0) throw new UserInputError('--runs', `${pointsPath} holds no benchmark points yet; let the run reach its first evaluation.`);
  const summaryPath = join(dir, 'summary.json');
  const summary = existsSync(summaryPath) ? parseJson<RunSummary>(readFileSync(summaryPath, 'utf8'), summaryPath) : null;
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new UserInputError('--runs', `${dir} has no config.json; give run folders written by \`nx run trainer:train\`.`);
  const config = parseJson<{ selector: string; seed: number }>(readFileSync(configPath, 'utf8'), configPath);
  return { dir, selector: config.selector, seed: config.seed, points, summary };
}

function parseJson<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UserInputError(where, 'is not valid JSON; the run folder may be damaged.');
  }
}

export interface SelectorComparison {
  selector: string;
  seeds: number;
  bestScoreMean: number;
  bestScoreSpread: number;
  /**
   * Mean and spread over seeds of the share of noisy examples (`NOISE_TAGS`) among those trained
   * on after the first benchmark point; null when the runs carry no noise tags.
   */
  noisyShare: { mean: number; spread: number } | null;
  /** Per axis: mean and spread of the cost to reach the target over the seeds that reached it. */
  toTarget: Record<CostAxis, { mean: number; spread: number; reached: number; ratioToBaseline: number | null } | null>;
}

export interface Comparison {
  baseline: string;
  target: number;
  targetStep: number;
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

const AXES: CostAxis[] = ['steps', 'flops', 'flopsWithoutReference', 'joulesWithoutReference'];

/**
 * The protocol's comparison: the target is the best mean score (over seeds) that the baseline
 * reaches at any point; for every selector, the steps, FLOPs and joules to first reach it.
 */
export function compareRuns(runs: readonly RunRecord[], baseline = 'uniform'): Comparison {
  const bySelector = new Map<string, RunRecord[]>();
  for (const run of runs) bySelector.set(run.selector, [...(bySelector.get(run.selector) ?? []), run]);
  const baselineRuns = bySelector.get(baseline);
  if (!baselineRuns) throw new UserInputError('--baseline', `no run of "${baseline}" among the folders; include one or name another --baseline.`);
  const { score: target, step: targetStep } = bestMeanScore(baselineRuns);

  const costsOf = (group: RunRecord[], axis: CostAxis) =>
    group.map((run) => costToReach(run.points, target, axis)).filter((c): c is number => c !== null);
  const baselineMeans = Object.fromEntries(AXES.map((axis) => [axis, mean(costsOf(baselineRuns, axis))])) as Record<CostAxis, number>;

  const selectors = [...bySelector.entries()].map(([selector, group]): SelectorComparison => {
    const bests = group.map((run) => Math.max(...run.points.map((p) => p.score)));
    const toTarget = Object.fromEntries(
      AXES.map((axis) => {
        const costs = costsOf(group, axis);
        if (costs.length === 0) return [axis, null];
        const m = mean(costs);
        const base = baselineMeans[axis];
        return [axis, { mean: m, spread: standardDeviation(costs), reached: costs.length, ratioToBaseline: Number.isFinite(base) && m > 0 ? base / m : null }];
      }),
    ) as SelectorComparison['toTarget'];
    const shares = group.map((run) => noisyShareAfterFirstPoint(run.points));
    const noisyShare = shares.every((share): share is number => share !== null)
      ? { mean: mean(shares), spread: standardDeviation(shares) }
      : null;
    return { selector, seeds: group.length, bestScoreMean: mean(bests), bestScoreSpread: standardDeviation(bests), noisyShare, toTarget };
  });
  return { baseline, target, targetStep, selectors };
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

const format = (value: number, digits = 3) => (Math.abs(value) >= 1e4 ? value.toExponential(2) : value.toFixed(digits));

/** The columns of the comparison table, in order. */
export const COMPARISON_COLUMNS = [
  'selector',
  'seeds',
  'best score',
  'steps to target',
  'FLOPs to target',
  'FLOPs w/o reference',
  'joules w/o reference',
  'speed-up (steps / FLOPs / FLOPs w/o ref. / J w/o ref.)',
  'noisy trained on, after the first point',
] as const;

/** The line that states the target the table measures against. */
export function targetLine(comparison: Comparison): string {
  return `target: ${comparison.baseline}'s best mean score ${comparison.target.toFixed(4)} (at step ${comparison.targetStep})`;
}

/** One row of cells per selector, matching `COMPARISON_COLUMNS`: mean ± spread over seeds. */
export function comparisonRows(comparison: Comparison): string[][] {
  return comparison.selectors.map((s) => {
    const cell = (axis: CostAxis, digits = 0) => {
      const t = s.toTarget[axis];
      if (!t) return 'never';
      return `${format(t.mean, digits)} ± ${format(t.spread, digits)}${t.reached < s.seeds ? ` (${t.reached}/${s.seeds})` : ''}`;
    };
    const ratio = (axis: CostAxis) => {
      const r = s.toTarget[axis]?.ratioToBaseline;
      return r ? `${r.toFixed(2)}x` : '–';
    };
    return [
      s.selector,
      String(s.seeds),
      `${format(s.bestScoreMean)} ± ${format(s.bestScoreSpread)}`,
      cell('steps'),
      cell('flops'),
      cell('flopsWithoutReference'),
      cell('joulesWithoutReference', 1),
      `${ratio('steps')} / ${ratio('flops')} / ${ratio('flopsWithoutReference')} / ${ratio('joulesWithoutReference')}`,
      s.noisyShare ? `${(100 * s.noisyShare.mean).toFixed(1)}% ± ${(100 * s.noisyShare.spread).toFixed(1)}` : '–',
    ];
  });
}

export function comparisonTable(comparison: Comparison): string {
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    targetLine(comparison),
    '',
    row(COMPARISON_COLUMNS),
    row(COMPARISON_COLUMNS.map(() => '---')),
    ...comparisonRows(comparison).map(row),
  ].join('\n');
}
