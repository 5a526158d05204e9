/** Reading records.jsonl: one StoredRecord per line. */
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
