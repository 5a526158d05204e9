import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from './bench-results';
import { RESULTS_END, replaceResultsSection, resultsPathOf, resultsSection } from './readme-results';

const root = resolve(import.meta.dirname, '../../../..');

describe('the README results section', () => {
  it('replaces only what lies between the markers, and names a missing marker', () => {
    const readme = 'before\n<!-- results:start a/results.json -->\nold\n<!-- results:end -->\nafter\n';
    expect(resultsPathOf(readme)).toBe('a/results.json');
    expect(replaceResultsSection(readme, `<!-- results:start b/results.json -->\nnew\n${RESULTS_END}`)).toBe(
      'before\n<!-- results:start b/results.json -->\nnew\n<!-- results:end -->\nafter\n',
    );
    expect(() => replaceResultsSection('no markers', 'x')).toThrow(/README.md has no results section/);
  });

  it('is exactly what the committed results.json it names generates (no figure typed by hand)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const path = resultsPathOf(readme);
    expect(path, 'README.md names no results.json').not.toBeNull();
    expect(existsSync(join(root, path!)), `${path} is not in the repository`).toBe(true);
    const results = JSON.parse(readFileSync(join(root, path!), 'utf8')) as BenchResults;
    const start = readme.indexOf('<!-- results:start');
    const end = readme.indexOf(RESULTS_END) + RESULTS_END.length;
    expect(readme.slice(start, end)).toBe(resultsSection(results, path!));
    // The README shows the full protocol, with every shipped selector and the offline baseline.
    expect(results.preset).toBe('bench');
    expect(results.selectors).toEqual(expect.arrayContaining(['uniform', 'jest', 'offline-filter', 'oracle-clean']));
  });
});
