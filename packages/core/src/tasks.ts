import type { BenchmarkPoint } from './points';
import type { TaskKind } from './types';

/**
 * Every task a run can train, and what the rest of the framework knows of each without loading
 * its data: the kind of model it trains (and so its metrics: zero-shot accuracy or, for
 * captioned data without classes, retrieval recall on `contrastive`; test accuracy on
 * `classification`). What each task's data is: `loadDataset` in the data package.
 */
export const TASKS = {
  'fashion-captions': { kind: 'contrastive' },
  'fashion-noisy-labels': { kind: 'classification' },
  idx: { kind: 'contrastive' },
  files: { kind: 'contrastive' },
} as const satisfies Record<string, { kind: TaskKind }>;

export type TaskName = keyof typeof TASKS;

export const TASK_NAMES = Object.keys(TASKS) as [TaskName, ...TaskName[]];

export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(TASKS, name);
}

/** The kind of model `task` trains. */
export function taskKindOf(task: TaskName): TaskKind {
  return TASKS[task].kind;
}

/**
 * The kind of task a point comes from, for a run folder that does not name its task: a point with
 * a test accuracy and no zero-shot accuracy is a classifier's.
 */
export function taskKindOfPoint(point: BenchmarkPoint | undefined): TaskKind {
  return point !== undefined && point.zeroShotAccuracy === null && point.testAccuracy !== null ? 'classification' : 'contrastive';
}
