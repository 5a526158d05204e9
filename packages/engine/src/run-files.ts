import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  /** The points written so far. */
  readPoints(): BenchmarkPoint[] {
    const path = join(this.dir, RUN_FILES.points);
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as BenchmarkPoint);
  }

  /**
   * Drops points and energy rows after `step`: what a run wrote after its last checkpoint is
   * written again, identically, when it resumes from that checkpoint.
   */
  keepUpToStep(step: number): BenchmarkPoint[] {
    const kept = this.readPoints().filter((point) => point.step <= step);
    writeFileSync(join(this.dir, RUN_FILES.points), kept.map((point) => `${JSON.stringify(point)}\n`).join(''));
    const energyPath = join(this.dir, RUN_FILES.energy);
    if (existsSync(energyPath)) {
      const [header, ...rows] = readFileSync(energyPath, 'utf8').split('\n').filter((line) => line !== '');
      const keptRows = rows.filter((row) => Number(row.split(',')[0]) <= step);
      writeFileSync(energyPath, [header, ...keptRows].map((line) => `${line}\n`).join(''));
    }
    return kept;
  }

  async writeSummary(summary: RunSummary): Promise<void> {
    await writeFileAtomic(join(this.dir, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  }
}
