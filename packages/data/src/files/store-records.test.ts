import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { forEachRecord, readRecordLines } from './store-records';

afterAll(removeTempDirs);

describe('forEachRecord', () => {
  it('reads every record of a file larger than its 4 MiB chunks, lines cut at chunk ends included, with its row', () => {
    // 30,000 lines of 150 to 250 bytes (about 6 MiB): many lines straddle the chunk boundary.
    const lines = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ key: `k${i}`, caption: 'é'.repeat(50 + (i % 50)) + ` ${i}`, label: i % 7 }));
    const file = join(tempDir('sieve-records-'), 'records.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(readFileSync(file).length).toBeGreaterThan(4 << 20);
    const seen: Array<[string, number]> = [];
    forEachRecord(file, (record, row) => seen.push([record.key, row]));
    expect(seen.length).toBe(30_000);
    expect(seen.every(([key, row]) => key === `k${row}`)).toBe(true);
    expect(seen.map(([key]) => key)).toEqual([...readRecordLines(readFileSync(file))].map((record) => record.key));
  });

  it('reads a last line without a newline, and nothing from an empty file', () => {
    const dir = tempDir('sieve-records-');
    writeFileSync(join(dir, 'a.jsonl'), '{"key":"x","caption":"one"}\n{"key":"y","caption":"two"}');
    const keys: string[] = [];
    forEachRecord(join(dir, 'a.jsonl'), (record) => keys.push(record.key));
    expect(keys).toEqual(['x', 'y']);
    writeFileSync(join(dir, 'b.jsonl'), '');
    forEachRecord(join(dir, 'b.jsonl'), () => expect.unreachable());
  });
});
