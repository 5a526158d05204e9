import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireRunLock, isUserInputError, type RunEvent } from '@sieve/core';
import { spawnLockHolder, type LockHolder } from '@sieve/core/testing';
import { attachToRun } from './attach';
import { FakeStdin, FakeStdout, waitUntil } from './testing/fake-terminal';
import { runFolderContents, writeRunFolder } from './testing/run-folder-writer';
import { syntheticRunEvents } from './testing/synthetic-run';
import { frameWidth } from './visible-width';

describe('attachToRun', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sieve-attach-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('draws a finished run folder and returns when stdin is not a terminal', async () => {
    await writeRunFolder(dir, syntheticRunEvents({ totalSteps: 300, evalEvery: 50, runId: 'recorded' }));
    const stdout = new FakeStdout(80, 40);
    await attachToRun(dir, { stdout: stdout.asStream(), stdin: new FakeStdin({ isTTY: false }).asStream() });
    const frame = stdout.lastFrame();
    expect(frame).toContain('recorded');
    expect(frame).toContain('300/300 steps');
    expect(frame).toContain('completed: 300 steps in');
    expect(frameWidth(frame)).toBeLessThanOrEqual(80);
  });

  it('stays on a finished run until q when stdin is a terminal', async () => {
    await writeRunFolder(dir, syntheticRunEvents({ totalSteps: 100, evalEvery: 50 }));
    const stdout = new FakeStdout(80, 40);
    const stdin = new FakeStdin({ isTTY: true });
    let returned = false;
    const attached = attachToRun(dir, { stdout: stdout.asStream(), stdin: stdin.asStream() }).then(() => {
      returned = true;
    });
    await waitUntil(() => stdout.lastFrame().includes('q quit'), 'the finished frame');
    expect(returned).toBe(false);
    stdin.press('q');
    await attached;
    expect(stdin.rawMode).toBe(false);
  });

  it('follows a folder being appended to, partial lines included, until summary.json appears', async () => {
    const events = syntheticRunEvents({ totalSteps: 200, evalEvery: 50, stepEventEvery: 10 });
    const { eventsJsonl, summaryJson } = runFolderContents(events);
    const path = join(dir, 'events.jsonl');
    // Cut inside a line, so that the first read ends on a partial line.
    const firstCut = eventsJsonl.indexOf('"type":"point"') + 20;
    await writeFile(path, eventsJsonl.slice(0, firstCut));
    // This process plays the run: it holds the folder's lock while it writes.
    const lock = acquireRunLock(dir, () => {});
    const stdout = new FakeStdout();
    const attached = attachToRun(dir, { plain: true, stdout: stdout.asStream(), pollIntervalMs: 10 });
    await waitUntil(() => stdout.text().includes('start run=demo-run'), 'the start line');
    expect(stdout.text()).not.toContain('point step=50');
    const secondCut = eventsJsonl.indexOf('"type":"run-end"') - 5;
    await appendFile(path, eventsJsonl.slice(firstCut, secondCut));
    await waitUntil(() => stdout.text().includes('point step=200'), 'the last point');
    expect(stdout.text()).not.toContain('end status=');
    await appendFile(path, eventsJsonl.slice(secondCut));
    await writeFile(join(dir, 'summary.json'), summaryJson!);
    lock.release();
    await attached;
    const lines = stdout.text().trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('point ')).map((line) => line.split(' ')[1])).toEqual([
      'step=50',
      'step=100',
      'step=150',
      'step=200',
    ]);
    expect(lines.filter((line) => line.startsWith('end '))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^end status=completed steps=200 /);
    // Progress lines follow the run's clock: at most one per 5 s of its elapsed time.
    expect(lines.filter((line) => line.startsWith('step ')).length).toBeGreaterThan(1);
  });

  it('follows in dashboard mode and shows the final step once the run ends', async () => {
    const events = syntheticRunEvents({ totalSteps: 100, evalEvery: 50 });
    const { eventsJsonl, summaryJson } = runFolderContents(events);
    const half = eventsJsonl.length >> 1;
    await writeFile(join(dir, 'events.jsonl'), eventsJsonl.slice(0, half));
    const lock = acquireRunLock(dir, () => {});
    const stdout = new FakeStdout(60, 30);
    const attached = attachToRun(dir, {
      stdout: stdout.asStream(),
      stdin: new FakeStdin({ isTTY: false }).asStream(),
      pollIntervalMs: 10,
      refreshIntervalMs: 10,
    });
    await waitUntil(() => stdout.lastFrame().includes('running'), 'a running frame');
    await appendFile(join(dir, 'events.jsonl'), eventsJsonl.slice(half));
    await writeFile(join(dir, 'summary.json'), summaryJson!);
    lock.release();
    await attached;
    expect(stdout.lastFrame()).toContain('100/100 steps');
    expect(stdout.lastFrame()).toContain('completed: 100 steps');
    expect(frameWidth(stdout.lastFrame())).toBeLessThanOrEqual(60);
  });

  it('prints a recorded run as plain lines without following', async () => {
    await writeRunFolder(dir, syntheticRunEvents({ totalSteps: 100, evalEvery: 50 }), { summary: false });
    const stdout = new FakeStdout();
    await attachToRun(dir, { plain: true, follow: false, stdout: stdout.asStream() });
    expect(stdout.text()).toContain('point step=100');
  });

  it('rejects a missing or empty folder naming --run', async () => {
    for (const path of [join(dir, 'missing'), dir]) {
      const error = await attachToRun(path, { plain: true }).catch((e: unknown) => e);
      expect(isUserInputError(error) && error.field).toBe('--run');
    }
  });
});

describe('attachToRun on a run that is not live', () => {
  let dir = '';
  const holders: LockHolder[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sieve-attach-'));
  });
  afterEach(async () => {
    await Promise.all(holders.splice(0).map((holder) => holder.kill()));
    await rm(dir, { recursive: true, force: true });
  });

  /** A real process that takes the folder's lock, as a run does. */
  async function runProcess(): Promise<LockHolder> {
    const holder = spawnLockHolder(dir);
    holders.push(holder);
    expect(await holder.attempt).toMatchObject({ won: true });
    return holder;
  }

  /** The events of a run up to `step`, as a killed run leaves them: no run-end, no summary. */
  const cutAt = (step: number): RunEvent[] =>
    syntheticRunEvents({ totalSteps: 300, evalEvery: 50 }).filter(
      (event) => event.type !== 'run-end' && !((event.type === 'step' || event.type === 'point') && (event.type === 'step' ? event.step : event.point.step) > step),
    );
  const config = () => writeFile(join(dir, 'config.json'), JSON.stringify({ task: 'fashion-captions', steps: 300 }));

  it('replays a killed run, then says it is not live and how to resume it, and returns', async () => {
    await writeRunFolder(dir, cutAt(150), { summary: false });
    await config();
    const run = await runProcess();
    await run.kill();
    const stdout = new FakeStdout();
    await attachToRun(dir, { plain: true, stdout: stdout.asStream(), pollIntervalMs: 10 });
    const lines = stdout.text().trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('point ')).map((line) => line.split(' ')[1])).toEqual(['step=50', 'step=100', 'step=150']);
    expect(lines.at(-1)).toBe(
      `the run in ${dir} is not live (its process ${run.pid} is gone): last point at step 150, no summary; resume it with: nx run trainer:train --resume ${dir}`,
    );
  });

  it('says so of a folder no process ever locked, and of one without a point or a config', async () => {
    await writeRunFolder(dir, cutAt(0), { summary: false, events: false });
    const stdout = new FakeStdout();
    await attachToRun(dir, { plain: true, stdout: stdout.asStream(), pollIntervalMs: 10 });
    expect(stdout.text().trimEnd().split('\n').at(-1)).toBe(
      `the run in ${dir} is not live (no process holds its lock): no point written, no summary; it has no config.json to resume from: start it again with --out ${dir} --overwrite`,
    );
  });

  it('follows a live run until its process dies without a summary, then says so and returns', async () => {
    await writeRunFolder(dir, cutAt(100), { summary: false });
    await config();
    const run = await runProcess();
    const stdout = new FakeStdout();
    let returned = false;
    const attached = attachToRun(dir, { plain: true, stdout: stdout.asStream(), pollIntervalMs: 10, liveCheckIntervalMs: 20 }).then(() => {
      returned = true;
    });
    await waitUntil(() => stdout.text().includes('point step=100'), 'the last point');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(returned).toBe(false);
    expect(stdout.text()).not.toContain('not live');
    await run.kill();
    await attached;
    expect(stdout.text().trimEnd().split('\n').at(-1)).toBe(
      `the run in ${dir} is not live (its process ${run.pid} is gone): last point at step 100, no summary; resume it with: nx run trainer:train --resume ${dir}`,
    );
  });

  it('ends on the summary, not as dead, when the run writes it and then lets go of its lock between two looks', async () => {
    const events = syntheticRunEvents({ totalSteps: 100, evalEvery: 50 });
    const { summaryJson } = runFolderContents(events);
    await writeRunFolder(dir, events, { summary: false });
    const run = await runProcess();
    const stdout = new FakeStdout();
    const attached = attachToRun(dir, { plain: true, stdout: stdout.asStream(), pollIntervalMs: 300, liveCheckIntervalMs: 0 });
    await waitUntil(() => stdout.text().includes('point step=100'), 'the last point');
    await writeFile(join(dir, 'summary.json'), summaryJson!);
    await run.finish();
    await attached;
    expect(stdout.text()).not.toContain('not live');
    expect(stdout.text().trimEnd().split('\n').at(-1)).toMatch(/^end status=completed steps=100 /);
  });

  it('leaves the dashboard of a dead run without waiting for q, and prints the line under it', async () => {
    await writeRunFolder(dir, cutAt(100), { summary: false });
    await config();
    const stdout = new FakeStdout(80, 40);
    await attachToRun(dir, { stdout: stdout.asStream(), stdin: new FakeStdin({ isTTY: true }).asStream(), pollIntervalMs: 10, refreshIntervalMs: 10 });
    expect(stdout.text()).toContain('100/300 steps');
    expect(stdout.text().trimEnd().split('\n').at(-1)).toContain(`the run in ${dir} is not live (no process holds its lock): last point at step 100, no summary;`);
  });

  it('refuses random bytes, naming the file, instead of waiting for a run', async () => {
    const cases: [string, Buffer, RegExp][] = [
      ['events.jsonl', Buffer.concat([randomBytes(2000), Buffer.from('\n')]), /events\.jsonl line 1 is not valid JSON, and no line of it is a run event: .* is not the folder of a run/],
      // No newline at all: read whole once no process is writing it.
      ['points.jsonl', Buffer.from('\u0000\u00ff garbage without a newline'), /points\.jsonl line 1 is not valid JSON, and no line of it is a benchmark point/],
      ['summary.json', randomBytes(500), /summary\.json is not JSON/],
    ];
    for (const [file, bytes, problem] of cases) {
      const folder = await mkdtemp(join(dir, 'garbage-'));
      await writeFile(join(folder, file), bytes);
      const error = await attachToRun(folder, { plain: true, stdout: new FakeStdout().asStream(), pollIntervalMs: 10 }).catch((e: unknown) => e);
      expect(isUserInputError(error) && error.field).toBe('--run');
      expect(isUserInputError(error) && error.problem).toMatch(problem);
      expect(isUserInputError(error) && error.problem).toContain(join(folder, file));
    }
  });
});
