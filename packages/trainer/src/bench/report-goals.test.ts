/**
 * The bench's report phase on a hand-built bench: uniform, cascade, jest and offline-filter, 2
 * seeds, 40 steps, a point every 10, with scores, FLOPs and joules chosen so that every goal of the
 * default selector has a verdict worked out by hand below. The report must carry exactly those
 * verdicts in results.json, report.md and its printout.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkPoint } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { loadSelectorRegistry } from '@sieve/engine';
import { benchGoals, type BenchResults, type SystemsFigures } from '../analysis';
import { benchJobs, resolveBenchSettings, writePlan } from './bench-plan';
import { benchLayout } from './bench-layout';
import { reportBench } from './run-bench';

afterAll(removeTempDirs);

/** Each reference model: 1.5 + 0.5 J and 1.5e9 + 0.5e9 FLOPs to train and embed the pool. */
const REFERENCE = { trainingJoules: 1.5, embeddingJoules: 0.5, trainingFlops: 1.5e9, embeddingFlops: 0.5e9 };

/** [step, score, FLOPs w/o reference, joules w/o reference] of each point. */
type Row = [number, number, number, number];

/**
 * uniform's best mean score, the target, is 0.5 at step 20: 2e10 FLOPs and 20 J on both seeds.
 * The baseline's budget is its mean joules at step 40: 40 J.
 *
 * cascade (0.5e9 FLOPs and 0.6 J a step) is at 0.5 at its first point, step 10: 5e9 FLOPs and 6 J,
 * 4.00x fewer FLOPs but 20 / 6 = 3.33x fewer joules; with its reference 7e9 FLOPs (2.86x fewer)
 * and 8 J (2.50x fewer). Its best scores are 0.70 and 0.72, all within 40 J: 0.710 ± 0.014.
 * offline-filter reaches 0.5 at step 20 (20 J on both seeds) and scores 0.55 at best.
 * jest's best scores are 0.75 and 0.80: 0.775 ± 0.035. easy-reference is not in the bench.
 */
const RUNS: Record<string, { usesReference: boolean; seeds: [Row[], Row[]] }> = {
  uniform: {
    usesReference: false,
    seeds: [
      [[10, 0.2, 1e10, 10], [20, 0.5, 2e10, 20], [30, 0.45, 3e10, 30], [40, 0.4, 4e10, 40]],
      [[10, 0.3, 1e10, 10], [20, 0.5, 2e10, 20], [30, 0.4, 3e10, 30], [40, 0.35, 4e10, 40]],
    ],
  },
  cascade: {
    usesReference: true,
    seeds: [
      [[10, 0.5, 5e9, 6], [20, 0.6, 1e10, 12], [30, 0.7, 1.5e10, 18], [40, 0.7, 2e10, 24]],
      [[10, 0.5, 5e9, 6], [20, 0.65, 1e10, 12], [30, 0.72, 1.5e10, 18], [40, 0.7, 2e10, 24]],
    ],
  },
  jest: {
    usesReference: true,
    seeds: [
      [[10, 0.4, 2e10, 20], [20, 0.6, 4e10, 40], [30, 0.75, 6e10, 60], [40, 0.7, 8e10, 80]],
      [[10, 0.4, 2e10, 20], [20, 0.6, 4e10, 40], [30, 0.7, 6e10, 60], [40, 0.8, 8e10, 80]],
    ],
  },
  'offline-filter': {
    usesReference: true,
    seeds: [
      [[10, 0.3, 1e10, 10], [20, 0.5, 2e10, 20], [30, 0.55, 3e10, 30], [40, 0.55, 4e10, 40]],
      [[10, 0.4, 1e10, 10], [20, 0.5, 2e10, 20], [30, 0.55, 3e10, 30], [40, 0.5, 4e10, 40]],
    ],
  },
};

const EXPECTED_CHECKS = [
  { goal: 'at least 4x fewer joules and FLOPs than uniform to the target, w/o reference', met: false, evidence: 'joules 3.33x, FLOPs 4.00x fewer' },
  { goal: 'at least 1.5x fewer joules and FLOPs than uniform to the target, with reference', met: true, evidence: 'joules 2.50x, FLOPs 2.86x fewer' },
  {
    goal: "beats offline-filter beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules",
    met: true,
    evidence: "joules 6.00 J ± 0 J against 20.0 J ± 0 J; best score within the baseline's joules 0.710 ± 0.014 against 0.550 ± 0.000",
  },
  {
    goal: "beats easy-reference beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules",
    met: null,
    evidence: 'easy-reference is not in this bench',
  },
  { goal: "best score at least jest's", met: false, evidence: '0.710 ± 0.014 against 0.775 ± 0.035' },
];

/** A point as a run writes it (a recorded one, from the committed bench), with the figures of `row`. */
function pointOf(template: BenchmarkPoint, [step, score, flops, joules]: Row, usesReference: boolean): BenchmarkPoint {
  const oneOff = usesReference ? { training: REFERENCE.trainingFlops, embedding: REFERENCE.embeddingFlops } : { training: 0, embedding: 0 };
  return {
    ...template,
    step,
    examplesTrained: step * 32,
    score,
    flopsByPhase: { 'reference-training': oneOff.training, 'reference-embedding': oneOff.embedding, scoring: 0, training: flops, evaluation: 0 },
    flopsTotal: flops + oneOff.training + oneOff.embedding,
    flopsTotalWithoutReference: flops,
    // The bench trained each reference once; its runs reuse it and spend nothing on it themselves.
    energy: {
      ...template.energy,
      joulesTotal: joules,
      joulesByPhase: { 'reference-training': 0, 'reference-embedding': 0, scoring: 0, training: joules, evaluation: 0 },
    },
  };
}

const recorded = join(import.meta.dirname, 'fixtures', 'recorded-bench', 'runs', 'jest-seed0');
const templatePoint = JSON.parse(readFileSync(join(recorded, 'points.jsonl'), 'utf8').split('\n')[0]) as BenchmarkPoint;
const templateSummary = JSON.parse(readFileSync(join(recorded, 'summary.json'), 'utf8')) as Record<string, unknown>;

const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

let out: string;
let printed: string[];
let code: number;
beforeAll(async () => {
  const root = tempDir('sieve-report-goals-');
  out = join(root, 'bench');
  const config = join(root, 'settings.json');
  writeFileSync(config, JSON.stringify({ evalEvery: 10 }));
  const registry = await loadSelectorRegistry();
  const settings = resolveBenchSettings({ preset: 'bench-smoke', selectors: 'uniform,cascade,jest,offline-filter', seeds: 2, config }, registry, out);
  const layout = benchLayout(out);
  const jobs = benchJobs(settings, layout);
  await writePlan(settings, layout, jobs);
  for (const job of jobs) {
    if (job.kind === 'reference') {
      write(job.output, JSON.stringify({ seed: job.seed, cacheKey: `reference-${job.seed}`, trainingSeconds: 1, embeddingSeconds: 1, energyKind: 'estimated', backend: 'wasm', ...REFERENCE }));
      continue;
    }
    const { usesReference, seeds } = RUNS[job.selector!];
    const points = seeds[job.seed].map((row) => pointOf(templatePoint, row, usesReference));
    write(join(job.output, 'config.json'), readFileSync(job.configFile, 'utf8'));
    write(join(job.output, 'points.jsonl'), points.map((p) => `${JSON.stringify(p)}\n`).join(''));
    const summary = { ...templateSummary, status: 'completed', selector: job.selector, seed: job.seed, steps: 40, finalPoint: points.at(-1), reference: { cacheKey: `reference-${job.seed}` } };
    write(join(job.output, 'summary.json'), JSON.stringify(summary));
  }
  // The systems figures as a finished bench holds them, so the report measures nothing.
  const systems: SystemsFigures = { engineOverhead: null, jestSelection: null, stepProfile: null, meterCpuShare: null, memory: [] };
  write(layout.systems, JSON.stringify(systems));
  printed = [];
  code = await reportBench(out, (line) => printed.push(line));
});

describe('the report of a hand-built bench', () => {
  it('is written for every run (exit code 0)', () => {
    expect(code, printed.join('\n')).toBe(0);
  });

  it('gives each goal of the default selector its hand-worked verdict and figures in results.json', () => {
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(results.comparison).toMatchObject({ target: 0.5, targetStep: 20, baselineBudgetJoules: 40, censored: false });
    expect(results.goals).toEqual({ selector: 'cascade', checks: EXPECTED_CHECKS });
    // What the goals make of the comparison as written, as the end-to-end bench test checks them.
    expect(benchGoals(results.comparison)).toEqual(results.goals);
  });

  it('prints one line per goal with its verdict', () => {
    expect(printed.filter((line) => line.startsWith('goal '))).toEqual([
      'goal not met: at least 4x fewer joules and FLOPs than uniform to the target, w/o reference (joules 3.33x, FLOPs 4.00x fewer)',
      'goal met: at least 1.5x fewer joules and FLOPs than uniform to the target, with reference (joules 2.50x, FLOPs 2.86x fewer)',
      "goal met: beats offline-filter beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules " +
        "(joules 6.00 J ± 0 J against 20.0 J ± 0 J; best score within the baseline's joules 0.710 ± 0.014 against 0.550 ± 0.000)",
      "goal unknown: beats easy-reference beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules " +
        '(easy-reference is not in this bench)',
      "goal not met: best score at least jest's (0.710 ± 0.014 against 0.775 ± 0.035)",
    ]);
  });

  it('has the goals table in report.md and report.html', () => {
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain(
      [
        '## Goals',
        '',
        'What the default selector (cascade) has to show against the baselines of this bench, checked from the comparison above.',
        '',
        '| goal | figures | verdict |',
        '| --- | --- | --- |',
        '| at least 4x fewer joules and FLOPs than uniform to the target, w/o reference | joules 3.33x, FLOPs 4.00x fewer | not met |',
        '| at least 1.5x fewer joules and FLOPs than uniform to the target, with reference | joules 2.50x, FLOPs 2.86x fewer | met |',
        "| beats offline-filter beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules | " +
          "joules 6.00 J ± 0 J against 20.0 J ± 0 J; best score within the baseline's joules 0.710 ± 0.014 against 0.550 ± 0.000 | met |",
        "| beats easy-reference beyond the spread over seeds: fewer joules to the target, or a higher best score within the baseline's joules | " +
          'easy-reference is not in this bench | unknown |',
        "| best score at least jest's | 0.710 ± 0.014 against 0.775 ± 0.035 | not met |",
      ].join('\n'),
    );
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Goals</h2>');
    expect(html.match(/<td>(met|not met|unknown)<\/td>/g)).toEqual(['<td>not met</td>', '<td>met</td>', '<td>met</td>', '<td>unknown</td>', '<td>not met</td>']);
  });
});
