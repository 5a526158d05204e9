import { existsSync } from 'node:fs';
import { jobStateOnDisk, type BenchJob } from './bench-plan';
import type { BenchLayout } from './bench-layout';

/** The phases of a local bench, in order. */
export type BenchPhase = 'planning' | 'training' | 'systems' | 'report';

const PHASE_WORK: Record<BenchPhase, string> = {
  planning: 'planning the jobs',
  training: 'training the reference models and the runs',
  systems: 'measuring the systems figures',
  report: 'writing the report',
};

/** Signals within this long of the first count as that one (a terminal's Ctrl-C reaches every process of its group, and Nx passes it on too). */
const SAME_SIGNAL_MS = 1000;

/** Where the bench stood when the first signal came. */
export interface InterruptedAt {
  signal: NodeJS.Signals;
  phase: BenchPhase;
  /** The jobs that were running. */
  running: readonly string[];
}

/**
 * SIGINT and SIGTERM during a local bench. The first aborts `signal`, with the signal's name as its
 * reason, and each phase stops at its next safe point: the training jobs each checkpoint, the
 * systems benchmark at work is ended, planning and the report stop before their next phase. A
 * second signal calls `onSecond` (the training phase ends its jobs at once).
 */
export class BenchInterrupt {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  phase: BenchPhase = 'planning';
  /** The jobs running now, for the message. */
  running: () => readonly string[] = () => [];
  onSecond: () => void = () => {};
  at: InterruptedAt | null = null;
  private firstAtMs = 0;

  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.at) {
      if (Date.now() - this.firstAtMs > SAME_SIGNAL_MS) this.onSecond();
      return;
    }
    this.firstAtMs = Date.now();
    this.at = { signal, phase: this.phase, running: this.running() };
    this.controller.abort(signal);
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Starts `phase`; after a signal it throws instead: the safe point between phases. */
  enter(phase: BenchPhase): void {
    this.signal.throwIfAborted();
    this.phase = phase;
  }

  /** The shell's convention for a process ended by a signal: 128 + its number. */
  get exitCode(): number {
    return this.at?.signal === 'SIGTERM' ? 143 : 130;
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/**
 * The one message of an interrupted bench, in whichever phase: what was stopped, what is kept
 * (read from the folder: finished jobs, checkpoints of unfinished runs, the systems figures), what
 * is left, and the command that carries the bench on.
 */
export function interruptMessage(at: InterruptedAt, jobs: readonly BenchJob[], layout: BenchLayout, rerun: string): string {
  const finished = jobs.filter((job) => jobStateOnDisk(job) === 'finished');
  const checkpoints = jobs.filter((job) => jobStateOnDisk(job) === 'resumable').map((job) => job.name);
  const systems = existsSync(layout.systems);
  const left = jobs.length - finished.length;
  const kept = [
    `${finished.length} of ${jobs.length} jobs finished`,
    ...(checkpoints.length > 0 ? [`checkpoints of ${checkpoints.join(', ')}`] : []),
    ...(systems ? ['the systems figures'] : []),
  ];
  const todo = [...(left > 0 ? [`${left} job${left === 1 ? '' : 's'}`] : []), ...(systems ? [] : ['the systems figures']), 'the report'];
  return [
    `interrupted by ${at.signal} in the ${at.phase} phase (${PHASE_WORK[at.phase]}); ${at.running.length > 0 ? `jobs running: ${at.running.join(', ')}` : 'no job running'}.`,
    `kept: ${kept.join(', ')}; still to do: ${todo.join(', ')}.`,
    `carry on where it stopped: ${rerun}`,
  ].join('\n');
}
