import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { UserInputError } from './errors';
import { RUN_FILES } from './run-folder';

/** Who writes a run folder: the content of its `run.lock`. */
export interface RunLockOwner {
  pid: number;
  host: string;
  /** When the lock was taken (ISO 8601). */
  startedAt: string;
}

/** A run folder's lock as a reader sees it. */
export interface RunLockState extends RunLockOwner {
  /** Whether its process still runs; `unknown` when it runs on another host. */
  live: boolean | 'unknown';
}

/** A run folder's lock, held by this process until `release`. */
export interface RunLock {
  readonly path: string;
  readonly owner: RunLockOwner;
  /** Removes the lock file if it is still this lock (never another process's). Safe to call again. */
  release(): void;
}

/** An unreadable lock younger than this may be one whose creator has not written it yet. */
const UNWRITTEN_GRACE_MS = 2000;
/** A takeover guard is held for a few file operations; one older than this was left by a process that died holding it. */
const STALE_GUARD_MS = 10_000;
/** How long `acquireRunLock` keeps trying while other processes keep changing the lock. */
const CONTENTION_LIMIT_MS = 10_000;
const RETRY_MS = 10;

/** The `startedAt` of each lock this process holds, by path: tells it from a dead process's lock that had the same pid. */
const heldHere = new Map<string, string>();

type Found =
  | { kind: 'absent' }
  | { kind: 'owner'; owner: RunLockOwner; text: string; ino: number; ageMs: number }
  | { kind: 'unreadable'; text: string; ino: number; ageMs: number };

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function parseOwner(text: string): RunLockOwner | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const { pid, host, startedAt } = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof RunLockOwner, unknown>>;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof host !== 'string' || typeof startedAt !== 'string') return null;
  return { pid, host, startedAt };
}

function readLockFile(path: string): Found {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return { kind: 'absent' };
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    const text = readFileSync(fd, 'utf8');
    const found = { text, ino: stats.ino, ageMs: Date.now() - stats.mtimeMs };
    const owner = parseOwner(text);
    return owner ? { kind: 'owner', owner, ...found } : { kind: 'unreadable', ...found };
  } finally {
    closeSync(fd);
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    return codeOf(error) !== 'ESRCH';
  }
  // A killed process that its parent has not reaped yet (a zombie) still answers signal 0.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

function liveness(owner: RunLockOwner, path: string): boolean | 'unknown' {
  if (owner.host !== hostname()) return 'unknown';
  // Our own pid: our lock, or one left by a dead process that had the same pid (a restarted container).
  if (owner.pid === process.pid) return heldHere.get(path) === owner.startedAt;
  return processRuns(owner.pid);
}

const lockText = (owner: RunLockOwner) => `${JSON.stringify(owner)}\n`;

function tryCreate(path: string, owner: RunLockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, lockText(owner));
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
  return true;
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw error;
  }
}

/**
 * Replaces the dead lock `seen` with ours. Takeovers go one at a time through a guard file
 * (created with O_EXCL), and the lock is replaced only if it is still the one that was judged
 * dead: without the guard, two processes could each replace it and both believe they hold it.
 */
function takeOver(path: string, seen: Exclude<Found, { kind: 'absent' }>, owner: RunLockOwner): 'done' | 'changed' | 'busy' {
  const guard = `${path}.takeover`;
  try {
    closeSync(openSync(guard, 'wx'));
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
    const age = (() => {
      try {
        return Date.now() - statSync(guard).mtimeMs;
      } catch {
        return 0;
      }
    })();
    if (age > STALE_GUARD_MS) unlinkIfThere(guard);
    return 'busy';
  }
  try {
    const now = readLockFile(path);
    if (now.kind === 'absent' || now.ino !== seen.ino || now.text !== seen.text) return 'changed';
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, lockText(owner));
    renameSync(temp, path);
    return 'done';
  } finally {
    unlinkIfThere(guard);
  }
}

function tookOver(path: string, seen: Exclude<Found, { kind: 'absent' }>): string {
  if (seen.kind === 'owner') {
    const { pid, host, startedAt } = seen.owner;
    return `took over ${path} from process ${pid} on ${host} (since ${startedAt}), which is no longer running; its run was killed or crashed`;
  }
  return `took over ${path}, which named no process (${seen.text.trim() === '' ? 'empty' : 'not a lock'}): the process that created it stopped before writing it`;
}

const FIX: Record<string, (pid: number, dir: string) => string> = {
  '--out': (pid) => `Wait for it to finish, stop it (Ctrl-C in its terminal, or kill ${pid}), or choose another --out.`,
  '--resume': (pid, dir) =>
    `It is still training: watch it with nx run trainer:dashboard --run ${dir}, or stop it (Ctrl-C in its terminal, or kill ${pid}) and resume it then.`,
  '--overwrite': (pid) =>
    `--overwrite would delete the files it is writing: wait for it to finish, stop it (Ctrl-C in its terminal, or kill ${pid}), or choose another --out.`,
};

function refusal(dir: string, path: string, owner: RunLockOwner, live: true | 'unknown', field: string): Error {
  const { pid, host, startedAt } = owner;
  if (live === 'unknown') {
    return new UserInputError(
      field,
      `${dir} is in use by process ${pid} on host ${host} (since ${startedAt}); this host (${hostname()}) cannot tell whether it still runs. ` +
        `Wait for it to finish, or choose another --out; if that process is gone, delete ${path}.`,
    );
  }
  if (pid === process.pid) return new Error(`${path} is already held by this process (since ${startedAt}); a run takes its folder's lock once.`);
  const fix = (FIX[field] ?? FIX['--out'])(pid, dir);
  return new UserInputError(
    field,
    `${dir} is in use by process ${pid} on ${host}, running since ${startedAt}. ${fix} (If ps -p ${pid} shows another program, that run died and its id was reused: delete ${path}.)`,
  );
}

function hold(path: string, owner: RunLockOwner): RunLock {
  heldHere.set(path, owner.startedAt);
  let released = false;
  return {
    path,
    owner,
    release() {
      if (released) return;
      released = true;
      if (heldHere.get(path) === owner.startedAt) heldHere.delete(path);
      const found = readLockFile(path);
      const ours = found.kind === 'owner' && found.owner.pid === owner.pid && found.owner.host === owner.host && found.owner.startedAt === owner.startedAt;
      if (ours) unlinkIfThere(path);
    },
  };
}

/**
 * Takes the lock of run folder `dir` (`run.lock`, created atomically), so that one process at a
 * time writes it: call it before a run starts, resumes or `--overwrite` clears the folder, and
 * `release` it once the summary is written (the dashboard reads a released lock without a
 * summary as a dead run). Creates `dir` if needed.
 *
 * A lock left by a process that no longer runs on this host, or an unreadable one (its creator
 * died before writing it), is taken over, with `onWarning` saying so. A lock of a live process,
 * or of a process on another host (whose life this host cannot see), is refused: a
 * UserInputError naming `field` (`--out`, `--resume`, `--overwrite`), the process and the fix.
 */
export function acquireRunLock(dir: string, onWarning: (message: string) => void, field = '--out'): RunLock {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserInputError(field, `cannot create the folder ${dir} (${codeOf(error) ?? String(error)}); choose another --out.`);
  }
  const path = resolve(dir, RUN_FILES.lock);
  const owner: RunLockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const giveUpAt = Date.now() + CONTENTION_LIMIT_MS;
  for (;;) {
    if (tryCreate(path, owner)) return hold(path, owner);
    const found = readLockFile(path);
    if (found.kind === 'owner') {
      const live = liveness(found.owner, path);
      if (live !== false) throw refusal(dir, path, found.owner, live, field);
    }
    if (found.kind === 'unreadable' && found.ageMs < UNWRITTEN_GRACE_MS) {
      sleep(RETRY_MS); // its creator is writing it
    } else if (found.kind !== 'absent') {
      const outcome = takeOver(path, found, owner);
      if (outcome === 'done') {
        const lock = hold(path, owner);
        onWarning(tookOver(path, found));
        return lock;
      }
      if (outcome === 'busy') sleep(RETRY_MS);
    }
    if (Date.now() > giveUpAt) {
      throw new Error(`could not take ${path}: other processes kept changing it for ${CONTENTION_LIMIT_MS / 1000} s.`);
    }
  }
}

/**
 * The lock of run folder `dir` and whether its process still runs; null when there is none, or
 * when it names no process (its creator died before writing it). Waits briefly on a lock that
 * is being written.
 */
export function readRunLock(dir: string): RunLockState | null {
  const path = resolve(dir, RUN_FILES.lock);
  let found = readLockFile(path);
  while (found.kind === 'unreadable' && found.ageMs < UNWRITTEN_GRACE_MS) {
    sleep(RETRY_MS);
    found = readLockFile(path);
  }
  if (found.kind !== 'owner') return null;
  return { ...found.owner, live: liveness(found.owner, path) };
}
