import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { parseReplayText, readReplayFile } from './replay-file';
import { removeTempDirs, tempDir } from '@sieve/core/testing';

afterAll(removeTempDirs);

function problemOf(text: string): string {
  try {
    parseReplayText(text, 'trace.csv');
  } catch (error) {
    if (isUserInputError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a UserInputError');
}

describe('readReplayFile', () => {
  it('reads CSV with a header, shifting time to start at 0', () => {
    expect(parseReplayText('time_s, device, watts\n10, gpu0, 100\n10.5, gpu0, 200\n10.5, cpu, 30.5\n', 'a.csv')).toEqual([
      { seconds: 0, device: 'gpu0', watts: 100 },
      { seconds: 0.5, device: 'gpu0', watts: 200 },
      { seconds: 0.5, device: 'cpu', watts: 30.5 },
    ]);
  });

  it('reads JSON lines', () => {
    const text = '{"seconds":0,"device":"gpu0","watts":50}\n\n{"t":1,"device":"gpu0","watts":70}\n';
    expect(parseReplayText(text, 'a.jsonl')).toEqual([
      { seconds: 0, device: 'gpu0', watts: 50 },
      { seconds: 1, device: 'gpu0', watts: 70 },
    ]);
  });

  it('reads an nvidia-smi capture, skipping sentinel rows', () => {
    const capture = [
      'timestamp, index, power.draw.instant [W], power.draw [W]',
      '2026/03/07 00:20:37.071, 0, 76.78 W, 70.00 W',
      '2026/03/07 00:20:37.071, 1, [N/A], 76.08 W',
      '2026/03/07 00:20:37.571, 0, [Not Supported], [Not Supported]',
      '2026/03/07 00:20:38.071, 0, 80.00 W, 71.00 W',
    ].join('\n');
    expect(parseReplayText(capture, 'smi.csv')).toEqual([
      { seconds: 0, device: 'gpu0', watts: 76.78 },
      { seconds: 0, device: 'gpu1', watts: 76.08 },
      { seconds: 1, device: 'gpu0', watts: 80 },
    ]);
  });

  it('names the flag, the file, the line and the fix for bad input', () => {
    const formats =
      'give a CSV with a header naming seconds, device and watts, JSON lines such as {"seconds": 0.1, "device": "gpu0", "watts": 75.5}, ' +
      'or an nvidia-smi capture (--query-gpu=timestamp,index,power.draw --format=csv).';
    expect(problemOf('when, what\n1, 2\n')).toBe(`--replay: trace.csv line 1 must be a header naming seconds, device and watts columns, got "when, what"; ${formats}`);
    expect(problemOf('seconds,device,watts\n0,gpu0,abc\n')).toBe('--replay: trace.csv line 2: watts must be a number >= 0, got "abc".');
    expect(problemOf('seconds,device,watts\n0,gpu0,-1\n')).toBe('--replay: trace.csv line 2: watts must be a number >= 0, got -1.');
    expect(problemOf('seconds,device,watts\n\n0,gpu0,1\n,gpu0,1\n')).toBe('--replay: trace.csv line 4: the time must be a number of seconds, got "".');
    expect(problemOf('seconds,device,watts\n0,,1\n')).toBe('--replay: trace.csv line 2: the device must be a name such as gpu0, got "".');
    expect(problemOf('seconds,device,watts\n1,gpu0,5\n1,cpu,5\n0.5,gpu0,5\n')).toBe(
      "--replay: trace.csv line 4: gpu0 at 0.5 s comes after its sample at 1 s (line 2); each device's samples must be in increasing time order: sort the file by time and drop repeated times.",
    );
    expect(problemOf('{"seconds": 0, "device": "gpu0"\n')).toBe(
      '--replay: trace.csv line 1 is not a JSON object: {"seconds": 0, "device": "gpu0"; write one object per line, such as {"seconds": 0.1, "device": "gpu0", "watts": 75.5}.',
    );
    expect(problemOf('{"seconds": 0, "device": "gpu0", "watts": 1}\n[1, 2]\n')).toMatch(/^--replay: trace\.csv line 2 is not a JSON object: \[1, 2\];/);
    expect(problemOf('{"seconds": 0, "device": "gpu0"}\n')).toBe('--replay: trace.csv line 1: watts must be a number >= 0, got nothing.');
    expect(problemOf('seconds,device,watts\n')).toBe(`--replay: trace.csv holds no power samples; ${formats}`);
    expect(problemOf('')).toBe(`--replay: trace.csv holds no power samples; ${formats}`);
    expect(() => readReplayFile('/no/such/file.csv')).toThrow(`--replay: no file at /no/such/file.csv; ${formats}`);
    expect(() => readReplayFile(tempDir('sieve-replay-'))).toThrow(/^--replay: cannot read .*sieve-replay-.* \(EISDIR: .*\); give the path of a recorded power trace file\.$/);
  });

  it('names the line of a bad nvidia-smi capture', () => {
    const header = 'timestamp, index, power.draw [W]';
    expect(problemOf(`${header}\n2026/03/07 00:20:37.071, 0, 70.00 W\n2026/03/07 00:20:37.5`)).toBe(
      '--replay: trace.csv line 3 does not have one cell per column of the header; complete or delete it (a capture stopped mid-write ends with such a line).',
    );
    expect(problemOf(`${header}\n2026/03/07 00:20:37.071, 0, 70.00 W\n\nyesterday, 0, 71.00 W\n`)).toBe(
      '--replay: trace.csv line 4: the timestamp must read like 2026/03/07 00:20:37.071, got "yesterday".',
    );
    expect(problemOf('timestamp, index, temperature.gpu\n2026/03/07 00:20:37.071, 0, 40\n')).toBe(
      '--replay: trace.csv line 1 is the header of an nvidia-smi capture without a power.draw column; capture with --query-gpu=timestamp,index,power.draw.',
    );
    expect(problemOf(`${header}\n2026/03/07 00:20:38.000, 0, 70.00 W\n2026/03/07 00:20:37.000, 0, 70.00 W\n`)).toMatch(
      /^--replay: trace\.csv line 3: gpu0 at 2026\/03\/07 00:20:37\.000 comes after its sample at 2026\/03\/07 00:20:38\.000 \(line 2\);/,
    );
  });

  it('reads from disk', () => {
    const dir = tempDir('sieve-replay-');
    const file = join(dir, 'trace.jsonl');
    writeFileSync(file, '{"seconds":0,"device":"gpu0","watts":1}\n');
    expect(readReplayFile(file)).toEqual([{ seconds: 0, device: 'gpu0', watts: 1 }]);
  });
});
