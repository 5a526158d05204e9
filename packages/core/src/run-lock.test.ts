import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isUserInputError } from './errors';
import { RUN_FILES } from './run-folder';
import { acquireRunLock, readRunLock, type RunLock } from './run-lock';
import { removeTempDirs, spawnLockHolder, tempDir, type LockHolder } from './testing';

afterAll(removeTempDirs);

const holders: LockHolder[] = [];
const locks: RunLock[] = [];
afterEach(async () => {
  await Promise.all(holders.splice(0).map((holder) => holder.kill()));
  locks.splice(0).forEach((lock) => lock.release());
});

function holder(dir: string, options: { field?: string; waitForGo?: boolean } = {}): LockHolder {
  const started = spawnLockHolder(dir, options);
  holders.push(started);
  return started;
}

function acquire(dir: string, field?: string): { lock: RunLock; warnings: string[] } {
  const warnings: string[] = [];
  const lock = acquireRunLock(dir, (message) => warnings.push(message), field);
  locks.push(lock);
  return { lock, warnings };
}

function refusalOf(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isUserInputError(error)) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The pid of a process that has run and exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

const lockPath = (dir: string) => join(dir, RUN_FILES.lock);
const writeLock = (dir: string, owner: object) => writeFileSync(lockPath(dir), `${JSON.stringify(owner)}\n`);

describe('acquireRunLock', () => {
  it('creates the folder and a lock naming this process, and release removes it', () => {
    const dir = join(tempDir('sieve-lock-'), 'runs', 'a');
    const { lock, warnings } = acquire(dir);
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toEqual({ pid: process.pid, host: hostname(), startedAt: lock.owner.startedAt });
    expect(readRunLock(dir)).toMatchObject({ pid: process.pid, live: true });
    expect(warnings).toEqual([]);
    lock.release();
    lock.release();
    expect(existsSync(lockPath(dir))).toBe(false);
    expect(readRunLock(dir)).toBeNull();
  });

  it("refuses a live process's lock, naming its pid, host, start time and the fix", async () => {
    const dir = tempDir('sieve-lock-');
    const live = holder(dir);
    expect(await live.attempt).toMatchObject({ won: true });
    const { startedAt } = JSON.parse(readFileSync(lockPath(dir), 'utf8')) as { startedAt: string };
    const refused = refusalOf(() => acquire(dir, '--resume'));
    expect(refused.field).toBe('--resume');
    expect(refused.message).toContain(`is in use by process ${live.pid} on ${hostname()}, running since ${startedAt}`);
    expect(refused.message).toContain(`kill ${live.pid}`);
    expect(refusalOf(() => acquire(dir, '--overwrite')).message).toMatch(/--overwrite would delete the files it is writing/);
    // A second real process is refused too, and the lock is still the first one's.
    const second = holder(dir);
    expect(await second.attempt).toMatchObject({ won: false, message: expect.stringContaining(`--out: ${dir} is in use by process ${live.pid}`) as unknown });
    expect(readRunLock(dir)).toMatchObject({ pid: live.pid, live: true });
    // Once the first lets go, the folder is free.
    await live.finish();
    expect(existsSync(lockPath(dir))).toBe(false);
    expect(acquire(dir).lock.owner.pid).toBe(process.pid);
  });

  it('takes over the lock of a process that has exited, with a warning naming it', async () => {
    const dir = tempDir('sieve-lock-');
    const pid = await deadPid();
    writeLock(dir, { pid, host: hostname(), startedAt: '2025-01-01T00:00:00.000Z' });
    expect(readRunLock(dir)).toMatchObject({ pid, live: false });
    const { lock, warnings } = acquire(dir);
    expect(warnings).toEqual([
      `took over ${lockPath(dir)} from process ${pid} on ${hostname()} (since 2025-01-01T00:00:00.000Z), which is no longer running; its run was killed or crashed`,
    ]);
    expect(readRunLock(dir)).toMatchObject({ pid: process.pid, startedAt: lock.owner.startedAt, live: true });
  });

  it('takes over the lock a kill -9 leaves behind', async () => {
    const dir = tempDir('sieve-lock-');
    const killed = holder(dir);
    expect(await killed.attempt).toMatchObject({ won: true });
    await killed.kill();
    expect(readRunLock(dir)).toMatchObject({ pid: killed.pid, live: false });
    const { warnings } = acquire(dir);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`from process ${killed.pid}`);
  });

  it('takes over a lock with this process id that this process does not hold (a restarted container)', () => {
    const dir = tempDir('sieve-lock-');
    writeLock(dir, { pid: process.pid, host: hostname(), startedAt: '2025-01-01T00:00:00.000Z' });
    expect(readRunLock(dir)?.live).toBe(false);
    expect(acquire(dir).warnings[0]).toContain(`from process ${process.pid}`);
    // The one it does hold is refused: a run takes its folder's lock once.
    expect(() => acquire(dir)).toThrow(/already held by this process/);
  });

  it('takes over an empty or unreadable lock once it is old (its creator died before writing it)', () => {
    for (const text of ['', '{"pid":']) {
      const dir = tempDir('sieve-lock-');
      writeFileSync(lockPath(dir), text);
      const old = new Date(Date.now() - 60_000);
      utimesSync(lockPath(dir), old, old);
      expect(readRunLock(dir)).toBeNull();
      const { warnings } = acquire(dir);
      expect(warnings).toEqual([expect.stringMatching(/which named no process \((empty|not a lock)\)/)]);
      expect(readRunLock(dir)?.pid).toBe(process.pid);
    }
  });

  it("refuses a lock of another host's process, whose life this host cannot see", () => {
    const dir = tempDir('sieve-lock-');
    writeLock(dir, { pid: 1, host: 'another-host', startedAt: '2025-01-01T00:00:00.000Z' });
    expect(readRunLock(dir)).toMatchObject({ pid: 1, host: 'another-host', live: 'unknown' });
    const refused = refusalOf(() => acquire(dir));
    expect(refused.field).toBe('--out');
    expect(refused.message).toContain('is in use by process 1 on host another-host');
    expect(refused.message).toContain(`cannot tell whether it still runs`);
    expect(refused.message).toContain(`delete ${lockPath(dir)}`);
  });
});

describe('RunLock.release', () => {
  it("leaves a lock that is no longer its own: another process's", async () => {
    const dir = tempDir('sieve-lock-');
    const { lock } = acquire(dir);
    // As if this process had been judged dead and its lock taken over.
    const other = { pid: await deadPid(), host: hostname(), startedAt: new Date().toISOString() };
    writeLock(dir, other);
    lock.release();
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toEqual(other);
  });

  it('leaves a newer lock of this same process', () => {
    const dir = tempDir('sieve-lock-');
    const { lock } = acquire(dir);
    writeLock(dir, { ...lock.owner, startedAt: '2099-01-01T00:00:00.000Z' });
    lock.release();
    expect(existsSync(lockPath(dir))).toBe(true);
  });
});

describe('two processes at once', () => {
  async function race(dir: string, count: number) {
    const racers = Array.from({ length: count }, () => holder(dir, { waitForGo: true }));
    // Once all are loaded and waiting, the gos go out together.
    await Promise.all(racers.map((racer) => racer.ready));
    racers.forEach((racer) => racer.go());
    return Promise.all(racers.map((racer) => racer.attempt));
  }

  it('leaves exactly one owner when processes start on one folder at the same moment', async () => {
    const dir = tempDir('sieve-lock-');
    const attempts = await race(dir, 6);
    const winners = attempts.filter((attempt) => attempt.won);
    expect(winners).toHaveLength(1);
    expect(readRunLock(dir)).toMatchObject({ pid: winners[0].pid, live: true });
    for (const loser of attempts.filter((attempt) => !attempt.won)) expect(loser.message).toContain(`in use by process ${winners[0].pid}`);
  });

  it('leaves exactly one owner, and one warning, when processes take over a dead lock at the same moment', async () => {
    const dir = tempDir('sieve-lock-');
    const pid = await deadPid();
    writeLock(dir, { pid, host: hostname(), startedAt: '2025-01-01T00:00:00.000Z' });
    const attempts = await race(dir, 6);
    const winners = attempts.filter((attempt) => attempt.won);
    expect(winners).toHaveLength(1);
    expect(winners[0].warnings).toEqual([expect.stringContaining(`from process ${pid}`)]);
    expect(readRunLock(dir)).toMatchObject({ pid: winners[0].pid, live: true });
  });
});
