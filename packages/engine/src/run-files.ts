import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { stringify } from 'csv-stringify/sync';
import type { BenchmarkPoint, RunEvent, RunSummary } from '@sieve/core';

/** The files of one run folder. Every line is appended as it happens, so a crash loses nothing written. */
export const RUN_FILES = {
  points: 'points.jsonl',
  events: 'events.jsonl',
  summary: 'summary.json',
  config: 'config.json',
  energy: 'energy.csv',
} as const;

/** One row of `energy.csv`: what one phase cost between two benchmark points. */
export interface EnergyRow {
  step: number;
  phase: string;
  seconds: number;
  joules: number;
  kind: 'measured' | 'estimated';
  coverage: number;
}

const ENERGY_COLUMNS: (keyof EnergyRow)[] = ['step', 'phase', 'seconds', 'joules', 'kind', 'coverage'];

const STEP_EVENT_INTERVAL_MS = 1000;

export class RunFiles {
  private lastStepEventAt = -Infinity;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async writeConfig(config: unknown): Promise<void> {
    await writeFileAtomic(join(this.dir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  }

  appendPoint(point: BenchmarkPoint): void {
    appendFileSync(join(this.dir, RUN_FILES.points), `${JSON.stringify(point)}\n`);
  }

  /** Every event but `step`, which is kept to about one a second so the log stays small. */
  appendEvent(event: RunEvent, nowMs: number = Date.now()): void {
    if (event.type === 'step') {
      const last = event.step === event.totalSteps;
      if (!last && nowMs - this.lastStepEventAt < STEP_EVENT_INTERVAL_MS) return;
      this.lastStepEventAt = nowMs;
    }
    appendFileSync(join(this.dir, RUN_FILES.events), `${JSON.stringify(event)}\n`);
  }

  appendEnergyRows(rows: EnergyRow[]): void {
    const path = join(this.dir, RUN_FILES.energy);
    const header = !existsSync(path);
    appendFileSync(path, stringify(rows, { header, columns: ENERGY_COLUMNS }));
  }

  async writeSummary(summary: RunSummary): Promise<void> {
    await writeFileAtomic(join(this.dir, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  }
}
