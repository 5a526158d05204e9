import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { stringify } from 'csv-stringify/sync';
import { RUN_FILES, parsePoints, type BenchmarkPoint, type RunEvent, type RunSummary } from '@sieve/core';


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

/** Writes one run folder. Every line is appended whole as it happens, so a crash loses nothing written. */
export class RunFiles {
  private lastStepEventAt = -Infinity;

  /** Whether events.jsonl ended in a torn line, cut off before this run appended to it. */
  private readonly droppedTornEvent: boolean;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.droppedTornEvent = this.dropTornEvent();
  }

  /** A killed run may leave half an event; it goes before anything is appended after it. */
  private dropTornEvent(): boolean {
    const path = join(this.dir, RUN_FILES.events);
    if (!existsSync(path)) return false;
    const text = readFileSync(path, 'utf8');
    if (text === '' || text.endsWith('\n')) return false;
    writeFileSync(path, text.slice(0, text.lastIndexOf('\n') + 1));
    return true;
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

  /** The points written so far; a torn last line (a write cut short) is left out and reported. */
  readPoints(): { points: BenchmarkPoint[]; tornLastLine: boolean } {
    const path = join(this.dir, RUN_FILES.points);
    if (!existsSync(path)) return { points: [], tornLastLine: false };
    return parsePoints(readFileSync(path, 'utf8'), path);
  }

  /**
   * Drops points and energy rows after `step`: what a run wrote after its last checkpoint is
   * written again, identically, when it resumes from that checkpoint. Torn last lines go too.
   */
  keepUpToStep(step: number): { kept: BenchmarkPoint[]; droppedTornLines: string[] } {
    const { points, tornLastLine } = this.readPoints();
    const droppedTornLines: string[] = tornLastLine ? [RUN_FILES.points] : [];
    if (this.droppedTornEvent) droppedTornLines.push(RUN_FILES.events);
    const kept = points.filter((point) => point.step <= step);
    writeFileSync(join(this.dir, RUN_FILES.points), kept.map((point) => `${JSON.stringify(point)}\n`).join(''));
    const energyPath = join(this.dir, RUN_FILES.energy);
    if (existsSync(energyPath)) {
      const [header, ...rows] = readFileSync(energyPath, 'utf8').split('\n').filter((line) => line !== '');
      const keptRows = rows.filter((row) => Number(row.split(',')[0]) <= step);
      writeFileSync(energyPath, [header, ...keptRows].map((line) => `${line}\n`).join(''));
    }
    return { kept, droppedTornLines };
  }

  async writeSummary(summary: RunSummary): Promise<void> {
    await writeFileAtomic(join(this.dir, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  }
}
