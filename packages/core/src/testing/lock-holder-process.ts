import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { withoutColorSettings } from './child-env';

export interface LockAttempt {
  won: boolean;
  pid: number;
  warnings?: string[];
  message?: string;
}

export interface LockHolder {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves once a holder started with `waitForGo` waits for its go. */
  readonly ready: Promise<void>;
  /** Its outcome, once it has tried. */
  readonly attempt: Promise<LockAttempt>;
  /** Lets a holder started with `waitForGo` try. */
  go(): void;
  /** Ends its stdin: a winner releases the lock and exits. Resolves on exit. */
  finish(): Promise<void>;
  /** SIGKILL, leaving its lock behind as a killed run does. Resolves once it is gone. */
  kill(): Promise<void>;
}

const script = fileURLToPath(new URL('./lock-holder.ts', import.meta.url));

/** A real process taking the lock of run folder `dir` (see `lock-holder.ts`), as a run does. */
export function spawnLockHolder(dir: string, options: { field?: string; waitForGo?: boolean } = {}): LockHolder {
  const env = { ...withoutColorSettings(), SIEVE_LOCK_WAIT_FOR_GO: options.waitForGo ? '1' : '0' };
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir, options.field ?? '--out'], {
    cwd: dirname(script),
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // 'close', not 'exit': by then every line it printed has been read.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const failed = exited.then(() => Promise.reject(new Error(`the lock holder exited (code ${child.exitCode}) before this: ${stderr}`)));
  const ready = Promise.race([
    new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        if (line === 'ready') resolve();
      });
    }),
    failed,
  ]);
  const attempt = Promise.race([
    new Promise<LockAttempt>((resolve) => {
      lines.on('line', (line) => {
        if (line.startsWith('{')) resolve(JSON.parse(line) as LockAttempt);
      });
    }),
    failed,
  ]);
  // A rejection nobody waits for would fail the test run.
  for (const promise of [failed, ready, attempt]) promise.catch(() => {});
  return {
    child,
    pid: child.pid!,
    ready,
    attempt,
    go: () => child.stdin.write('go\n'),
    finish: () => {
      child.stdin.end();
      return exited;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
