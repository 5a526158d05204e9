import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '@sieve/core';

const TAIL_BYTES = 16 * 1024;

/**
 * The last step a run folder's `events.jsonl` reports (step events are written at most once a
 * second), read from the file's tail; null before the first one.
 */
export function lastStepOf(runDir: string): number | null {
  let fd: number;
  try {
    fd = openSync(join(runDir, RUN_FILES.events), 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    // The first line may be cut by the tail and the last one still being written.
    for (let i = lines.length - 1; i >= 1; i--) {
      if (!lines[i].includes('"step"')) continue;
      try {
        const event = JSON.parse(lines[i]) as { type?: string; step?: number };
        if (event.type === 'step' && typeof event.step === 'number') return event.step;
      } catch {
        // a torn line
      }
    }
    return null;
  } finally {
    closeSync(fd);
  }
}
