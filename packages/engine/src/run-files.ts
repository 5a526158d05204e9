import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { BenchmarkPoint, RunEvent, RunSummary } from '@sieve/core';

/** The files of one run folder. Every line is appended as it happens, so a crash loses nothing written. */
export const RUN_FILES = {
  points: 'points.jsonl',
  events: 'events.jsonl',
  summary: 'summary.json',
  config: 'config.json',
} as const;

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

  async writeSummary(summary: RunSummary): Promise<void> {
    await writeFileAtomic(join(this.dir, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  }
}
