import { describe, expect, it } from 'vitest';
import { runConfigSchema } from './config';
import { TASK_NAMES, isTaskName, taskKindOf, taskKindOfPoint } from './tasks';
import type { BenchmarkPoint } from './points';

describe('the task table', () => {
  it('gives each task its kind, and is the list of tasks a config accepts', () => {
    expect(TASK_NAMES.map((task) => [task, taskKindOf(task)])).toEqual([
      ['fashion-captions', 'contrastive'],
      ['fashion-noisy-labels', 'classification'],
      ['idx', 'contrastive'],
      ['files', 'contrastive'],
    ]);
    const taskIssues = (task: string) => (runConfigSchema.safeParse({ task }).error?.issues ?? []).filter((issue) => issue.path[0] === 'task');
    for (const task of TASK_NAMES) expect(taskIssues(task)).toEqual([]);
    expect(taskIssues('mnist')).toHaveLength(1);
    expect(isTaskName('idx')).toBe(true);
    expect(isTaskName('toString')).toBe(false);
  });

  it("tells a classifier's point from a contrastive one when a folder does not name its task", () => {
    const point = (zeroShotAccuracy: number | null, testAccuracy: number | null) => ({ zeroShotAccuracy, testAccuracy }) as BenchmarkPoint;
    expect(taskKindOfPoint(point(null, 0.8))).toBe('classification');
    expect(taskKindOfPoint(point(0.3, null))).toBe('contrastive');
    expect(taskKindOfPoint(undefined)).toBe('contrastive');
  });
});
