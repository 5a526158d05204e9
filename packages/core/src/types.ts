/** The two kinds of task the engine trains. */
export type TaskKind = 'contrastive' | 'classification';

/** Which model a loss comes from. */
export type ModelRole = 'learner' | 'reference';

/** Image resolution a multi-resolution tower runs at: `fine` is the full image. */
export type Resolution = 'fine' | 'coarse';

/** The phases whose FLOPs, seconds and joules are accounted separately. */
export const PHASES = [
  'reference-training',
  'reference-embedding',
  'scoring',
  'training',
  'evaluation',
] as const;
export type Phase = (typeof PHASES)[number];

/** Phases that are paid once per reference model, not per learner run. */
export const ONE_OFF_PHASES: readonly Phase[] = ['reference-training', 'reference-embedding'];

export type PerPhase<T> = Record<Phase, T>;

export function perPhase<T>(value: () => T): PerPhase<T> {
  return Object.fromEntries(PHASES.map((p) => [p, value()])) as PerPhase<T>;
}
