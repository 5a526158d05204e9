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

  it('names the file, the line and the fix for bad input', () => {
    expect(problemOf('when, what\n1, 2\n')).toBe('energy.replayFile: trace.csv line 1 must be a header naming seconds, device and watts columns, got "when, what"');
    expect(problemOf('seconds,device,watts\n0,gpu0,abc\n')).toBe('energy.replayFile: trace.csv line 2: watts must be a number >= 0');
    expect(problemOf('seconds,device,watts\n1,gpu0,5\n0.5,gpu0,5\n')).toContain('samples of gpu0 must be in increasing time order');
    expect(problemOf('{"seconds": 0, "device": "gpu0"\n')).toBe('energy.replayFile: trace.csv line 1 is not JSON: {"seconds": 0, "device": "gpu0"');
    expect(problemOf('seconds,device,watts\n')).toContain('holds no power samples');
    expect(() => readReplayFile('/no/such/file.csv')).toThrow(/^energy\.replayFile: cannot read \/no\/such\/file\.csv/);
  });

  it('reads from disk', () => {
    const dir = tempDir('sieve-replay-');
    const file = join(dir, 'trace.jsonl');
    writeFileSync(file, '{"seconds":0,"device":"gpu0","watts":1}\n');
    expect(readReplayFile(file)).toEqual([{ seconds: 0, device: 'gpu0', watts: 1 }]);
  });
});
