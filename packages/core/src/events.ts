import type { BenchmarkPoint, RunSummary } from './points';
import type { EnergySourceStatus } from './energy';
import type { Phase } from './types';

export interface RunStartInfo {
  runId: string;
  outDir: string;
  task: string;
  taskKind: 'contrastive' | 'classification';
  selector: string;
  /** The package or module that registered the selector, named when it misbehaves. */
  selectorPlugin?: string;
  backend: string;
  totalSteps: number;
  batchSize: number;
  superBatchSize: number;
  evalEvery: number;
  poolSize: number;
  poolMakeUp: Record<string, number>;
  energySources: EnergySourceStatus[];
}

/** Everything the engine tells the outside world; subscribers never reach into the engine. */
export type RunEvent =
  | { type: 'run-start'; info: RunStartInfo }
  | { type: 'phase-start'; phase: Phase | 'data' }
  | { type: 'phase-end'; phase: Phase | 'data'; seconds: number }
  | {
      type: 'step';
      step: number;
      totalSteps: number;
      loss: number;
      stepsPerSecond: number;
      elapsedSeconds: number;
      /** Latest total power in watts, when a meter runs. */
      powerWatts: number | null;
    }
  | { type: 'point'; point: BenchmarkPoint }
  | { type: 'warning'; message: string }
  | { type: 'log'; message: string }
  | { type: 'run-end'; summary: RunSummary };

export type RunEventListener = (event: RunEvent) => void;

/** A synchronous typed event bus; a throwing listener is reported, never breaks the run. */
export class RunEvents {
  private readonly listeners = new Set<RunEventListener>();

  subscribe(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RunEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        if (event.type !== 'warning') {
          this.emit({ type: 'warning', message: `an event listener failed: ${String(error)}` });
        }
      }
    }
  }
}
