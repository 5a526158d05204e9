import type { SelectionReport } from '@sieve/core';

export interface StepSelectionFacts {
  selectionMilliseconds: number;
  scoringMilliseconds: number;
  /** The selector's diagnostics (its learnability, with a learnability score) and the engine's own per-step numbers. */
  diagnostics?: Record<string, number>;
}

/** Accumulates what was chosen between two benchmark points, and reports it against the pool. */
export class SelectionTally {
  readonly poolMakeUp: Record<string, number>;
  private chosenByTag: number[];
  private chosenCount = 0;
  private steps = 0;
  private selectionMilliseconds = 0;
  private scoringMilliseconds = 0;
  private diagnosticSums = new Map<string, { sum: number; count: number }>();

  constructor(
    private readonly tagNames: readonly string[],
    private readonly poolTags: Uint8Array,
  ) {
    const counts = new Array<number>(tagNames.length).fill(0);
    for (const tag of poolTags) counts[tag]++;
    this.poolMakeUp = Object.fromEntries(tagNames.map((name, i) => [name, counts[i] / Math.max(1, poolTags.length)]));
    this.chosenByTag = new Array<number>(tagNames.length).fill(0);
  }

  /** @param chosenPoolIndices pool index of every chosen example */
  record(chosenPoolIndices: Int32Array, facts: StepSelectionFacts): void {
    for (const index of chosenPoolIndices) this.chosenByTag[this.poolTags[index]]++;
    this.chosenCount += chosenPoolIndices.length;
    this.steps++;
    this.selectionMilliseconds += facts.selectionMilliseconds;
    this.scoringMilliseconds += facts.scoringMilliseconds;
    for (const [name, value] of Object.entries(facts.diagnostics ?? {})) {
      if (!Number.isFinite(value)) continue;
      const entry = this.diagnosticSums.get(name) ?? { sum: 0, count: 0 };
      entry.sum += value;
      entry.count++;
      this.diagnosticSums.set(name, entry);
    }
  }

  /** The report since the last call; resets the tally. */
  report(): SelectionReport {
    const report: SelectionReport = {
      makeUp: Object.fromEntries(
        this.tagNames.map((name, i) => [name, this.chosenCount > 0 ? this.chosenByTag[i] / this.chosenCount : 0]),
      ),
      poolMakeUp: this.poolMakeUp,
      selectionMilliseconds: this.steps > 0 ? this.selectionMilliseconds / this.steps : 0,
      scoringMilliseconds: this.steps > 0 ? this.scoringMilliseconds / this.steps : 0,
      diagnostics: Object.fromEntries([...this.diagnosticSums].map(([name, { sum, count }]) => [name, sum / count])),
    };
    this.chosenByTag.fill(0);
    this.chosenCount = 0;
    this.steps = 0;
    this.selectionMilliseconds = 0;
    this.scoringMilliseconds = 0;
    this.diagnosticSums = new Map();
    return report;
  }
}
