import { describe, expect, it } from 'vitest';
import { SelectionTally } from './selection-tally';

describe('SelectionTally', () => {
  // Pool of 10: tags clean x4, junk x6 -> pool make-up 0.4 / 0.6.
  const tagNames = ['clean', 'junk'];
  const poolTags = Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);

  it('reports the chosen make-up, the pool make-up and the mean of each diagnostic, then resets', () => {
    const tally = new SelectionTally(tagNames, poolTags);
    expect(tally.poolMakeUp).toEqual({ clean: 0.4, junk: 0.6 });
    // Step 1 picks pool 0, 1, 4 (2 clean, 1 junk); step 2 picks 2, 3, 9 (2 clean, 1 junk): 4/6 clean.
    tally.record(Int32Array.from([0, 1, 4]), {
      selectionMilliseconds: 2,
      scoringMilliseconds: 10,
      diagnostics: { spearman: 0.5, meanLearnabilityChosen: 2, meanLearnabilitySuperBatch: 3 },
    });
    // A diagnostic that is not finite is left out of its mean; one a step does not report is averaged over the steps that do.
    tally.record(Int32Array.from([2, 3, 9]), {
      selectionMilliseconds: 4,
      scoringMilliseconds: 20,
      diagnostics: { spearman: 0.7, meanLearnabilityChosen: 1, meanLearnabilitySuperBatch: Number.NaN, onlyOnce: 4 },
    });
    const report = tally.report();
    expect(report.makeUp.clean).toBeCloseTo(4 / 6, 12);
    expect(report.makeUp.junk).toBeCloseTo(2 / 6, 12);
    expect(report.poolMakeUp).toEqual({ clean: 0.4, junk: 0.6 });
    expect(report.selectionMilliseconds).toBe(3);
    expect(report.scoringMilliseconds).toBe(15);
    expect(Object.keys(report.diagnostics).sort()).toEqual(['meanLearnabilityChosen', 'meanLearnabilitySuperBatch', 'onlyOnce', 'spearman']);
    expect(report.diagnostics.spearman).toBeCloseTo(0.6, 12);
    expect(report.diagnostics.meanLearnabilityChosen).toBeCloseTo(1.5, 12);
    expect(report.diagnostics.meanLearnabilitySuperBatch).toBe(3);
    expect(report.diagnostics.onlyOnce).toBe(4);
    // The selector's learnability is stored once, among its diagnostics.
    expect(Object.keys(report).sort()).toEqual(['diagnostics', 'makeUp', 'poolMakeUp', 'scoringMilliseconds', 'selectionMilliseconds']);

    const empty = tally.report();
    expect(empty.makeUp).toEqual({ clean: 0, junk: 0 });
    expect(empty.selectionMilliseconds).toBe(0);
    expect(empty.diagnostics).toEqual({});
  });
});
