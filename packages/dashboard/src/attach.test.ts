import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { attachToRun } from './attach';
import { FakeStdin, FakeStdout, waitUntil } from './fixtures/fake-terminal';
import { runFolderContents, writeRunFolder } from './fixtures/run-folder-writer';
import { syntheticRunEvents } from './fixtures/synthetic-run';
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
