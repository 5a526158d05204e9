/** Reading records.jsonl: one StoredRecord per line. */
import { closeSync, openSync, readSync } from 'node:fs';
import type { StoredRecord } from './store-layout';

export function* readRecordLines(bytes: Buffer): Generator<StoredRecord> {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    if (end > start) yield JSON.parse(bytes.toString('utf8', start, end)) as StoredRecord;
    start = end + 1;
  }
}

/** Calls `visit` with each record of a records.jsonl file and its row, reading 4 MiB at a time (a pool's file may not fit in memory twice). */
export function forEachRecord(file: string, visit: (record: StoredRecord, row: number) => void): void {
  const fd = openSync(file, 'r');
  const chunk = Buffer.alloc(4 << 20);
  let carry = Buffer.alloc(0);
  let row = 0;
  try {
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      const bytes = Buffer.concat([carry, chunk.subarray(0, read)]);
      const lastNewline = bytes.lastIndexOf(10);
      for (const record of readRecordLines(bytes.subarray(0, lastNewline + 1))) visit(record, row++);
      carry = Buffer.from(bytes.subarray(lastNewline + 1));
    }
    for (const record of readRecordLines(carry)) visit(record, row++);
  } finally {
    closeSync(fd);
  }
}
