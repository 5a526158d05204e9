import { describe, expect, it } from 'vitest';
import { SelectionTally } from './selection-tally';

describe('SelectionTally', () => {
  // Pool of 10: tags clean x4, junk x6 -> pool make-up 0.4 / 0.6.
  const tagNames = ['clean', 'junk'];
  const poolTags = Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);

  it('reports the chosen make-up and the pool make-up, then resets', () => {
    const tally = new SelectionTally(tagNames, poolTags);
    expect(tally.poolMakeUp).toEqual({ clean: 0.4, junk: 0.6 });
    // Step 1 picks pool 0, 1, 4 (2 clean, 1 junk); step 2 picks 2, 3, 9 (2 clean, 1 junk): 4/6 clean.
    tally.record(Int32Array.from([0, 1, 4]), Int32Array.from([0, 1, 2]), {
      selectionMilliseconds: 2,
      scoringMilliseconds: 10,
      learnability: { positions: Int32Array.from([0, 1, 2, 3]), learnability: Float64Array.from([1, 2, 3, 6]) },
      diagnostics: { spearman: 0.5 },
    });
    tally.record(Int32Array.from([2, 3, 9]), Int32Array.from([0, 1, 3]), {
      selectionMilliseconds: 4,
      scoringMilliseconds: 20,
      learnability: { positions: Int32Array.from([0, 1, 2, 3]), learnability: Float64Array.from([0, 0, 0, 3]) },
      diagnostics: { spearman: 0.7 },
    });
    const report = tally.report();
    expect(report.makeUp.clean).toBeCloseTo(4 / 6, 12);
    expect(report.makeUp.junk).toBeCloseTo(2 / 6, 12);
    // Chosen learnability: step 1 candidates 0,1,2 -> 1,2,3; step 2 candidates 0,1,3 -> 0,0,3. Mean 9/6.
    expect(report.meanLearnabilityChosen).toBeCloseTo(1.5, 12);
    // Super-batch learnability: (1+2+3+6 + 0+0+0+3) / 8 = 15/8.
    expect(report.meanLearnabilitySuperBatch).toBeCloseTo(15 / 8, 12);
    expect(report.selectionMilliseconds).toBe(3);
    expect(report.scoringMilliseconds).toBe(15);
    expect(report.diagnostics.spearman).toBeCloseTo(0.6, 12);

    const empty = tally.report();
    expect(empty.makeUp).toEqual({ clean: 0, junk: 0 });
    expect(empty.meanLearnabilityChosen).toBeNull();
    expect(empty.diagnostics).toEqual({});
  });
});
