/**
 * A process that takes a run folder's lock as a run does, for tests: `lock-holder.ts DIR [FIELD]`.
 * With SIEVE_LOCK_WAIT_FOR_GO=1 it prints `ready`, then waits for a line on stdin, so that many can try at once.
 * It prints one JSON line (`{"won":true,"warnings":[…]}` or `{"won":false,"message":…}`); a winner
 * then holds the lock until its stdin ends, and releases it.
 */
import { createInterface } from 'node:readline';
import { isUserInputError } from '../errors';
import { acquireRunLock } from '../run-lock';

const [dir, field = '--out'] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin });

function attempt(): void {
  const warnings: string[] = [];
  try {
    const lock = acquireRunLock(dir, (message) => warnings.push(message), field);
    process.stdout.write(`${JSON.stringify({ won: true, pid: process.pid, warnings })}\n`);
    lines.on('close', () => lock.release());
  } catch (error) {
    if (!isUserInputError(error)) throw error;
    process.stdout.write(`${JSON.stringify({ won: false, pid: process.pid, message: error.message })}\n`);
    lines.close();
  }
}

if (process.env.SIEVE_LOCK_WAIT_FOR_GO === '1') {
  lines.once('line', attempt);
  process.stdout.write('ready\n');
} else {
  attempt();
}
