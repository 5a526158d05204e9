import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlTail } from './jsonl-tail';

describe('JsonlTail', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sieve-jsonl-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads nothing from a missing file, then the lines as they are appended', async () => {
    const path = join(dir, 'events.jsonl');
    const tail = new JsonlTail(path);
    expect(await tail.read()).toEqual([]);
    await writeFile(path, '{"a":1}\n{"a":2}\n');
    expect((await tail.read()).map((line) => line.value)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await tail.read()).toEqual([]);
    await appendFile(path, '{"a":3}\n');
    expect(await tail.read()).toEqual([{ lineNumber: 3, value: { a: 3 } }]);
  });

  it('holds a partial last line until its newline arrives, even one cut inside a character', async () => {
    const path = join(dir, 'events.jsonl');
    const tail = new JsonlTail(path);
    const line = Buffer.from('{"message":"energy 12 µJ ✓"}\n', 'utf8');
    const cut = line.indexOf(Buffer.from('µ', 'utf8')) + 1; // inside the two bytes of µ
    await writeFile(path, line.subarray(0, cut));
    expect(await tail.read()).toEqual([]);
    await appendFile(path, line.subarray(cut));
    expect(await tail.read()).toEqual([{ lineNumber: 1, value: { message: 'energy 12 µJ ✓' } }]);
  });

  it('reports a line that is not JSON with its number and goes on', async () => {
    const path = join(dir, 'events.jsonl');
    await writeFile(path, '{"a":1}\nnot json\n\n{"a":4}\n');
    const lines = await new JsonlTail(path).read();
    expect(lines.map((l) => [l.lineNumber, l.value])).toEqual([
      [1, { a: 1 }],
      [2, undefined],
      [4, { a: 4 }],
    ]);
    expect(lines[1].error).toBeTruthy();
  });

  it('returns an unterminated last line only when told the file is final', async () => {
    const path = join(dir, 'points.jsonl');
    await writeFile(path, '{"a":1}\n{"a":2}');
    const tail = new JsonlTail(path);
    expect((await tail.read()).map((line) => line.value)).toEqual([{ a: 1 }]);
    expect((await tail.read({ final: true })).map((line) => line.value)).toEqual([{ a: 2 }]);
  });

  it('starts again when the file is replaced by a shorter one', async () => {
    const path = join(dir, 'events.jsonl');
    const tail = new JsonlTail(path);
    await writeFile(path, '{"a":1}\n{"a":2}\n');
    await tail.read();
    await writeFile(path, '{"b":1}\n');
    expect((await tail.read()).map((line) => line.value)).toEqual([{ b: 1 }]);
  });
});
