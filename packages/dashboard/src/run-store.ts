import type {
  BenchmarkPoint,
  EnergySourceUse,
  PerPhase,
  Phase,
  RunEvent,
  RunStartInfo,
  RunSummary,
} from '@sieve/core';

/** `stopping`: a stop was requested and the engine finishes the current step first. */
export type RunStatus = 'waiting' | 'running' | 'stopping' | 'finished';

export interface StepSample {
  step: number;
  value: number;
}

/** Everything the dashboard shows, reduced from the run's events. Treat as immutable. */
export interface DashboardState {
  info: RunStartInfo | null;
  status: RunStatus;
  /** Phases started and not yet ended, innermost last; `currentPhase` is the last. */
  openPhases: (Phase | 'data')[];
  currentPhase: Phase | 'data' | null;
  secondsByPhase: Partial<Record<Phase | 'data', number>>;
  step: number;
  /** 0 when unknown (a run folder without events or summary). */
  totalSteps: number;
  stepsPerSecond: number | null;
  elapsedSeconds: number;
  etaSeconds: number | null;
  latestLoss: number | null;
  /** Training loss against step, downsampled (pairs averaged) to at most `historyLimit` samples. */
  lossHistory: StepSample[];
  /** Score of every benchmark point against its step. */
  scoreHistory: StepSample[];
  bestScore: StepSample | null;
  points: BenchmarkPoint[];
  powerWatts: number | null;
  /** Cumulative joules at the latest point (or the summary), null when no meter ran. */
  joulesTotal: number | null;
  joulesByPhase: PerPhase<number> | null;
  joulesSinceLastPoint: number | null;
  energyKind: 'measured' | 'estimated' | null;
  energySources: EnergySourceUse[];
  /** Make-up of what was trained on since the latest point, and of the pool. */
  selectionMakeUp: Record<string, number> | null;
  poolMakeUp: Record<string, number> | null;
  makeUpStep: number | null;
  /** The latest `warningLimit` warnings, oldest first. */
  warnings: string[];
  warningCount: number;
  /** The latest log messages, oldest first. */
  logs: string[];
  summary: RunSummary | null;
}

export interface RunStoreOptions {
  /** How many warnings to keep (default 5). */
  warningLimit?: number;
  /** How many log messages to keep (default 5). */
  logLimit?: number;
  /** Loss samples kept before the history is halved by averaging pairs (default 1024). */
  historyLimit?: number;
}

export type RunStoreListener = (state: DashboardState) => void;

export interface RunStore {
  apply(event: RunEvent): void;
  /** Shows "stopping" until the run ends; does not stop anything itself. */
  markStopping(): void;
  getState(): DashboardState;
  subscribe(listener: RunStoreListener): () => void;
}

export function initialDashboardState(): DashboardState {
  return {
    info: null,
    status: 'waiting',
    openPhases: [],
    currentPhase: null,
    secondsByPhase: {},
    step: 0,
    totalSteps: 0,
    stepsPerSecond: null,
    elapsedSeconds: 0,
    etaSeconds: null,
    latestLoss: null,
    lossHistory: [],
    scoreHistory: [],
    bestScore: null,
    points: [],
    powerWatts: null,
    joulesTotal: null,
    joulesByPhase: null,
    joulesSinceLastPoint: null,
    energyKind: null,
    energySources: [],
    selectionMakeUp: null,
    poolMakeUp: null,
    makeUpStep: null,
    warnings: [],
    warningCount: 0,
    logs: [],
    summary: null,
  };
}

/** Seconds left at the current rate, or null while the rate is unknown. */
export function etaSecondsOf(step: number, totalSteps: number, stepsPerSecond: number | null): number | null {
  if (stepsPerSecond === null || !(stepsPerSecond > 0) || totalSteps <= 0) return null;
  return Math.max(0, totalSteps - step) / stepsPerSecond;
}

/** Halves a history by averaging neighbouring pairs (an odd last sample is kept as is). */
export function halveHistory(history: StepSample[]): StepSample[] {
  const halved: StepSample[] = [];
  for (let i = 0; i < history.length; i += 2) {
    const a = history[i];
    const b = history[i + 1];
    halved.push(b ? { step: (a.step + b.step) / 2, value: (a.value + b.value) / 2 } : a);
  }
  return halved;
}

/**
 * Closes the innermost open phase of that name; a phase-end matching none open closes the
 * innermost phase (a start and end named differently still pair up).
 */
export function closePhase(openPhases: (Phase | 'data')[], phase: Phase | 'data'): (Phase | 'data')[] {
  const index = openPhases.lastIndexOf(phase);
  const closing = index >= 0 ? index : openPhases.length - 1;
  return openPhases.filter((_, i) => i !== closing);
}

function keepLast<T>(items: T[], item: T, limit: number): T[] {
  const next = [...items, item];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/** The pure reduction behind the store: returns a new state, never mutates `state`. */
export function reduceRunEvent(
  state: DashboardState,
  event: RunEvent,
  options: RunStoreOptions = {},
): DashboardState {
  const warningLimit = options.warningLimit ?? 5;
  const logLimit = options.logLimit ?? 5;
  const historyLimit = options.historyLimit ?? 1024;
  switch (event.type) {
    case 'run-start': {
      const { info } = event;
      return {
        ...state,
        info,
        status: state.status === 'waiting' ? 'running' : state.status,
        totalSteps: info.totalSteps,
        poolMakeUp: state.poolMakeUp ?? info.poolMakeUp,
        energySources: info.energySources
          .filter((source) => source.available)
          .map((source) => ({ name: source.name, measured: source.measured })),
      };
    }
    case 'phase-start': {
      const openPhases = [...state.openPhases, event.phase];
      return {
        ...state,
        status: state.status === 'waiting' ? 'running' : state.status,
        openPhases,
        currentPhase: event.phase,
      };
    }
    case 'phase-end': {
      const openPhases = closePhase(state.openPhases, event.phase);
      return {
        ...state,
        openPhases,
        currentPhase: openPhases.at(-1) ?? null,
        secondsByPhase: {
          ...state.secondsByPhase,
          [event.phase]: (state.secondsByPhase[event.phase] ?? 0) + event.seconds,
        },
      };
    }
    case 'step': {
      let lossHistory = [...state.lossHistory, { step: event.step, value: event.loss }];
      if (lossHistory.length > historyLimit) lossHistory = halveHistory(lossHistory);
      return {
        ...state,
        status: state.status === 'waiting' ? 'running' : state.status,
        step: Math.max(state.step, event.step),
        totalSteps: event.totalSteps,
        stepsPerSecond: event.stepsPerSecond,
        elapsedSeconds: event.elapsedSeconds,
        etaSeconds: etaSecondsOf(event.step, event.totalSteps, event.stepsPerSecond),
        latestLoss: event.loss,
        lossHistory,
        powerWatts: event.powerWatts ?? state.powerWatts,
      };
    }
    case 'point': {
      const { point } = event;
      const sample = { step: point.step, value: point.score };
      const { energy, selection } = point;
      return {
        ...state,
        step: Math.max(state.step, point.step),
        points: [...state.points, point],
        scoreHistory: [...state.scoreHistory, sample],
        bestScore: state.bestScore && state.bestScore.value >= point.score ? state.bestScore : sample,
        joulesTotal: energy.joulesTotal,
        joulesByPhase: energy.joulesByPhase,
        joulesSinceLastPoint: energy.joulesSinceLastPoint,
        energyKind: energy.kind,
        energySources: energy.sources.length > 0 ? energy.sources : state.energySources,
        selectionMakeUp: selection.makeUp,
        poolMakeUp: selection.poolMakeUp,
        makeUpStep: point.step,
      };
    }
    case 'warning':
      return {
        ...state,
        warnings: keepLast(state.warnings, event.message, warningLimit),
        warningCount: state.warningCount + 1,
      };
    case 'log':
      return { ...state, logs: keepLast(state.logs, event.message, logLimit) };
    case 'run-end': {
      const { summary } = event;
      const hasEnergy = summary.energy.joulesTotal !== null;
      return {
        ...state,
        status: 'finished',
        openPhases: [],
        currentPhase: null,
        summary,
        step: summary.steps,
        etaSeconds: 0,
        joulesTotal: hasEnergy ? summary.energy.joulesTotal : state.joulesTotal,
        joulesByPhase: hasEnergy ? summary.energy.joulesByPhase : state.joulesByPhase,
        energyKind: summary.energy.kind ?? state.energyKind,
      };
    }
  }
}

/** A plain store: events in, one immutable state out, listeners told of every change. */
export function createRunStore(options: RunStoreOptions = {}): RunStore {
  let state = initialDashboardState();
  const listeners = new Set<RunStoreListener>();
  const publish = (next: DashboardState): void => {
    state = next;
    for (const listener of listeners) listener(state);
  };
  return {
    apply(event) {
      publish(reduceRunEvent(state, event, options));
    },
    markStopping() {
      if (state.status === 'waiting' || state.status === 'running') publish({ ...state, status: 'stopping' });
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
