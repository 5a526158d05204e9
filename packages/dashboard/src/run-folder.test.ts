import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { writeRunFolder } from './testing/run-folder-writer';
import { syntheticRunEvents } from './testing/synthetic-run';
import { RunFolderSource, isRunEvent, readRunFolder } from './run-folder';
import { initialDashboardState, reduceRunEvent } from './run-store';

describe('readRunFolder', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sieve-run-folder-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a recorded run into the same state as the live events give', async () => {
    const events = syntheticRunEvents({ totalSteps: 300, evalEvery: 50 });
    await writeRunFolder(dir, events);
    const state = await readRunFolder(dir);
    const live = events.reduce((s, event) => reduceRunEvent(s, event), initialDashboardState());
    expect(state).toEqual(live);
    expect(state).toMatchObject({ status: 'finished', step: 300, totalSteps: 300 });
    expect(state.points).toHaveLength(6);
  });

  it('pieces a run together from points.jsonl, summary.json and config.json without events.jsonl', async () => {
    const events = syntheticRunEvents({ totalSteps: 200, evalEvery: 50, runId: 'from-points' });
    await writeRunFolder(dir, events, { events: false });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ task: 'fashion-captions', selector: 'jest', steps: 200, batchSize: 128, filterRatio: 0.8 }));
    const state = await readRunFolder(dir);
    const end = events.at(-1);
    if (end?.type !== 'run-end') throw new Error('expected run-end');
    expect(state.info).toMatchObject({
      runId: 'from-points',
      task: 'fashion-captions',
      taskKind: 'contrastive',
      selector: 'jest',
      backend: 'wasm',
      totalSteps: 200,
      superBatchSize: 640,
    });
    expect(state.points.map((point) => point.step)).toEqual([50, 100, 150, 200]);
    expect(state.status).toBe('finished');
    expect(state.joulesTotal).toBeCloseTo(end.summary.energy.joulesTotal!, 9);
    expect(state.poolMakeUp).toEqual({ clean: 0.4, duplicate: 0.1, mismatched: 0.3, junk: 0.2 });
    expect(state.lossHistory).toHaveLength(4);
  });

  it("takes the task's kind from the task table, and from the points only when the folder does not name its task", async () => {
    const events = syntheticRunEvents({ totalSteps: 100, evalEvery: 50, taskKind: 'classification' });
    await writeRunFolder(dir, events, { events: false, summary: false });
    expect((await readRunFolder(dir)).info).toMatchObject({ task: 'unknown task', taskKind: 'classification' });
    // The table names the kind even where a point alone would say otherwise.
    await writeFile(join(dir, 'config.json'), JSON.stringify({ task: 'idx' }));
    expect((await readRunFolder(dir)).info).toMatchObject({ task: 'idx', taskKind: 'contrastive' });
  });

  it('skips a line of points.jsonl that is not a benchmark point, with a warning', async () => {
    const events = syntheticRunEvents({ totalSteps: 100, evalEvery: 50 });
    const points = events.flatMap((event) => (event.type === 'point' ? [JSON.stringify(event.point)] : []));
    await writeFile(join(dir, 'points.jsonl'), `${points[0]}\n{"step":75,"score":0.5}\n${points[1]}\n`);
    const state = await readRunFolder(dir);
    expect(state.warnings).toContain('points.jsonl line 2 is not a benchmark point; skipped');
    expect(state.points.map((point) => point.step)).toEqual([50, 100]);
  });

  it('reads a run still going, without a summary, as running', async () => {
    const events = syntheticRunEvents({ totalSteps: 200, evalEvery: 50 });
    await writeRunFolder(dir, events.slice(0, 30), { summary: false });
    const state = await readRunFolder(dir);
    expect(state.status).toBe('running');
    expect(state.summary).toBeNull();
  });

  it('turns bad lines into warnings and goes on', async () => {
    const events = syntheticRunEvents({ totalSteps: 50, evalEvery: 50 });
    const lines = events.map((event) => JSON.stringify(event));
    lines.splice(2, 0, '{"type":"step"', '{"type":"nonsense"}');
    await writeFile(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
    const state = await readRunFolder(dir);
    expect(state.warnings).toContain('events.jsonl line 3 is not valid JSON; skipped');
    expect(state.warnings).toContain('events.jsonl line 4 is not a run event; skipped');
    expect(state.step).toBe(50);
  });

  it('names --run when the folder is missing, a file, or holds no run', async () => {
    const attempts = [join(dir, 'nope'), dir];
    await writeFile(join(dir, 'a-file'), 'x');
    attempts.push(join(dir, 'a-file'));
    const problems: string[] = [];
    for (const path of attempts) {
      const error = await readRunFolder(path).catch((e: unknown) => e);
      expect(isUserInputError(error)).toBe(true);
      if (isUserInputError(error)) {
        expect(error.field).toBe('--run');
        problems.push(error.problem);
      }
    }
    expect(problems[0]).toContain('does not exist');
    expect(problems[1]).toContain('holds no run');
    expect(problems[2]).toContain('is a file');
  });
});

describe('RunFolderSource', () => {
  it('adds the run-end from summary.json when events.jsonl does not have it yet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sieve-run-folder-'));
    try {
      const events = syntheticRunEvents({ totalSteps: 50, evalEvery: 50 });
      await writeRunFolder(dir, events.slice(0, -1), { summary: false });
      const end = events.at(-1)!;
      if (end.type !== 'run-end') throw new Error('expected run-end');
      await writeFile(join(dir, 'summary.json'), JSON.stringify(end.summary));
      const source = new RunFolderSource(dir);
      const read = await source.poll();
      expect(read).toEqual(events);
      expect(source.finished).toBe(true);
      expect(await source.poll()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('recognises run events by type and payload', () => {
    expect(isRunEvent({ type: 'log', message: 'x' })).toBe(true);
    expect(isRunEvent({ type: 'log' })).toBe(false);
    expect(isRunEvent({ type: 'toString', message: 'x' })).toBe(false);
    expect(isRunEvent(null)).toBe(false);
    expect(isRunEvent('step')).toBe(false);
  });
});
