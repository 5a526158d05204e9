import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkPoint, RunSummary } from '@sieve/core';
import { readRun } from './compare';
import { buildReport, escapeHtml } from './report';
import { reportCommand } from './report-command';

const POOL = { clean: 0.4, duplicate: 0.1, mismatched: 0.3, junk: 0.2 };

/** A point with the fields the report reads; `noise` is the share of mismatched + junk trained on. */
function point(step: number, score: number, noise: number, joules: number | null): BenchmarkPoint {
  const energy = {
    joulesTotal: joules,
    kind: joules === null ? null : 'estimated',
    sources: joules === null ? [] : [{ name: 'estimate', measured: false }],
  };
  return {
    step,
    score,
    flopsTotal: 1e9 + step * 1e7,
    flopsTotalWithoutReference: step * 1e7,
    energy,
    selection: {
      makeUp: { clean: 0.9 - noise, duplicate: 0.1, mismatched: noise * 0.6, junk: noise * 0.4 },
      poolMakeUp: POOL,
    },
  } as unknown as BenchmarkPoint;
}

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sieve-report-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a run folder as the trainer would (config, points, summary) and returns its path. */
function writeRun(name: string, selector: string, seed: number, scores: number[], noise: number, withJoules: boolean): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const points = scores.map((score, i) => point((i + 1) * 50, score, noise, withJoules ? (i + 1) * 5 + seed : null));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ selector, seed, backend: 'auto', task: 'fashion-captions', batchSize: 128, steps: 200, model: { imageTower: 'mlp' } }));
  writeFileSync(join(dir, 'points.jsonl'), points.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const summary = { status: 'completed', task: 'fashion-captions', selector, backend: 'cpu', seed, steps: points.at(-1)!.step, energy: points.at(-1)!.energy };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary as Partial<RunSummary>));
  return dir;
}

/** Two selectors, two seeds each: `uniform` and one whose name is markup. */
function writeRuns(prefix: string, withJoules: boolean): string[] {
  return [
    writeRun(`${prefix}-uniform-0`, 'uniform', 0, [0.2, 0.4, 0.45, 0.4], 0.5, withJoules),
    writeRun(`${prefix}-uniform-1`, 'uniform', 1, [0.3, 0.5, 0.45, 0.4], 0.5, withJoules),
    writeRun(`${prefix}-bold-0`, '<b>', 0, [0.3, 0.6, 0.7, 0.7], 0.1, withJoules),
    writeRun(`${prefix}-bold-1`, '<b>', 1, [0.4, 0.5, 0.6, 0.65], 0.2, withJoules),
  ];
}

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

describe('buildReport', () => {
  it('renders the run list, the comparison table and one inline SVG per chart, escaping names', async () => {
    const html = await buildReport(writeRuns('joules', true).map(readRun), { title: 'Noise & <friends>' });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>Noise &amp; &lt;friends&gt;</title>');
    // Score against steps, FLOPs and joules (without and with the reference); share of mismatched + junk; make-up by tag.
    expect(count(html, /<svg[\s>]/g)).toBe(6);
    for (const id of ['score-steps', 'score-flops', 'score-joules', 'score-joules-with-reference', 'noise', 'make-up']) expect(html).toContain(`<section id="${id}">`);
    // Self-contained: no scripts, style sheets, images or fonts fetched from anywhere.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|src=/i);
    // The comparison table: header and one row per selector (best score: mean ± sd of the seeds' bests);
    // the target is the best per-step mean of uniform, 0.45 at step 100.
    expect(html).toContain('target: uniform&#39;s best mean score 0.4500 (at step 100 of 200)');
    expect(html).toContain('<th>steps to target</th>');
    expect(html).toMatch(/<tr><td>uniform<\/td><td class="num">2<\/td><td class="num">0\.475 ± 0\.035<\/td>/);
    expect(html).toMatch(/<tr><td>&lt;b&gt;<\/td><td class="num">2<\/td><td class="num">0\.675 ± 0\.035<\/td>/);
    // The run list: every folder, with seed, steps, backend and energy source.
    expect(count(html, /<td>uniform<\/td><td class="num">[01]<\/td><td class="num">200<\/td><td>fashion-captions<\/td><td>cpu<\/td><td>estimate \(estimated\)<\/td><td>estimated<\/td>/g)).toBe(2);
    // The selector whose name is markup appears escaped everywhere, in the tables and in the SVG legends.
    expect(html).not.toContain('<b>');
    expect(count(html, /&lt;b&gt;/g)).toBeGreaterThan(6);
    // Axes say their units.
    expect(html).toContain('learner steps');
    expect(html).toContain('total FLOPs');
    expect(html).toContain('energy (J, estimated; k = 10³)');
    // Two seeds each: a min–max band under the mean lines, and the target as a rule, in each score chart.
    expect(html).toContain('shaded band: lowest to highest seed');
    for (const id of ['score-steps', 'score-flops', 'score-joules', 'score-joules-with-reference']) {
      const section = html.slice(html.indexOf(`<section id="${id}">`), html.indexOf('</section>', html.indexOf(`<section id="${id}">`)));
      expect(section).toContain('aria-roledescription="area mark"');
      expect(section).toContain('aria-roledescription="line mark"');
      expect(section).toContain('aria-roledescription="rule mark"');
      expect(section).toMatch(/aria-roledescription="legend" aria-label="Symbol legend titled 'selector' for [a-z ]+ with 2 values: uniform, &lt;b&gt;"/);
      expect(section).toMatch(/>target 0\.450 \(uniform('|&#39;)s best mean\)</);
    }
  });

  it('skips the joules chart with a note when no run has joules', async () => {
    const html = await buildReport(writeRuns('nojoules', false).map(readRun), {});
    expect(count(html, /<svg[\s>]/g)).toBe(4);
    for (const [id, heading] of [['score-joules', 'without'], ['score-joules-with-reference', 'with']]) {
      expect(html).toMatch(new RegExp(`<section id="${id}">\\n<h3>Score against joules, ${heading} the reference</h3>\\n<p class="note">Skipped: no run recorded these joules`));
    }
    expect(html).toContain('<td>no energy</td>');
    // Uniform reaches its own target in steps and FLOPs; with no meter its joules to target are unknown.
    expect(html).toMatch(/<tr><td>uniform<\/td>(<td class="num">[^<]*<\/td>){4}<td class="num">–<\/td>/);
    expect(html).toContain('<h1>Sieve benchmark report</h1>');
  });

  it('rejects a baseline that is not among the runs', async () => {
    await expect(buildReport(writeRuns('baseline', true).map(readRun), { baseline: 'oracle-clean' })).rejects.toThrow(/--baseline: no run of "oracle-clean"/);
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('reportCommand', () => {
  it('writes the report where --out says and returns its path', async () => {
    const dirs = writeRuns('cli', true);
    const out = join(root, 'out', 'report.html');
    mkdirSync(join(root, 'out'));
    expect(await reportCommand(['--runs', ...dirs, '--out', out, '--title', 'CLI'])).toBe(out);
    expect(readFileSync(out, 'utf8')).toContain('<h1>CLI</h1>');
  });

  it('names the flag or folder on bad input and writes nothing', async () => {
    const dirs = writeRuns('bad', true);
    const out = join(root, 'bad.html');
    await expect(reportCommand(['--out', out])).rejects.toThrow(/^--runs: give run folders/);
    const empty = join(root, 'no-points');
    mkdirSync(empty);
    await expect(reportCommand(['--runs', dirs[0], empty, '--out', out])).rejects.toThrow(`--runs: ${empty} has no points.jsonl`);
    const noConfig = join(root, 'no-config');
    mkdirSync(noConfig);
    writeFileSync(join(noConfig, 'points.jsonl'), readFileSync(join(dirs[0], 'points.jsonl')));
    await expect(reportCommand(['--runs', noConfig, '--out', out])).rejects.toThrow(`--runs: ${noConfig} has no config.json`);
    await expect(reportCommand(['--runs', ...dirs, '--baseline', 'nope', '--out', out])).rejects.toThrow(/^--baseline: no run of "nope"/);
    await expect(reportCommand(['--runs', ...dirs, '--out', join(root, 'missing', 'r.html')])).rejects.toThrow(/^--out: folder .* does not exist/);
    expect(existsSync(out)).toBe(false);
  });
});
