import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserInputError } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { formatReplayReport, replayTrace } from './replay-trace';

afterAll(removeTempDirs);

function traceFile(name: string, text: string): string {
  const file = join(tempDir('sieve-replay-trace-'), name);
  writeFileSync(file, text);
  return file;
}

describe('replayTrace', () => {
  it('gives the joules, mean watts, duration and samples of a trace (hand-worked: 540 J over 2 s)', async () => {
    // From 10 s: gpu0 100 W, 300 W, 300 W a second apart: (100 + 300) / 2 + 300 = 500 J.
    // cpu 10 W at 10 s and 30 W at 12 s: 20 W for 2 s = 40 J. 540 J over 2 s: 270 W.
    const file = traceFile('trace.csv', 'seconds,device,watts\n10,gpu0,100\n10,cpu,10\n11,gpu0,300\n12,gpu0,300\n12,cpu,30\n');
    const report = await replayTrace(file);
    expect(report).toEqual({
      file,
      source: { name: 'replay', measured: false, detail: `replays 5 samples of gpu0, cpu over 2.0 s from ${file} (a recording, not this machine's sensors)` },
      samples: 5,
      devices: ['cpu', 'gpu0'],
      seconds: 2,
      joules: 540,
      meanWatts: 270,
      joulesByDevice: { gpu0: 500, cpu: 40 },
      meanWattsByDevice: { gpu0: 250, cpu: 20 },
      coverage: 1,
    });
    expect(formatReplayReport(report)).toBe(
      [
        `Replayed ${file}: 5 samples over 2.000 s (coverage 100.0%)`,
        `Source: replay, not measured: replays 5 samples of gpu0, cpu over 2.0 s from ${file} (a recording, not this machine's sensors)`,
        '',
        '  device      mean W        joules',
        '  cpu         20.000        40.000',
        '  gpu0         250.0         500.0',
        '  total        270.0         540.0',
      ].join('\n'),
    );
  });

  it('counts a device only where it has samples, and says so in the coverage (hand-worked: 130 J, half covered)', async () => {
    // gpu0: 50 W over 0-2 s = 100 J. gpu1: 20 W to 40 W over 1-2 s = 30 J, and nothing over 0-1 s.
    const file = traceFile('trace.jsonl', '{"t":0,"device":"gpu0","watts":50}\n{"t":1,"device":"gpu1","watts":20}\n{"t":2,"device":"gpu0","watts":50}\n{"t":2,"device":"gpu1","watts":40}\n');
    expect(await replayTrace(file)).toMatchObject({
      samples: 4,
      seconds: 2,
      joules: 130,
      meanWatts: 65,
      joulesByDevice: { gpu0: 100, gpu1: 30 },
      meanWattsByDevice: { gpu0: 50, gpu1: 15 },
      coverage: 0.5,
    });
  });

  it('reads an nvidia-smi capture, leaving out the rows nvidia-smi could not read (hand-worked: 70 J)', async () => {
    const capture = [
      'timestamp, index, power.draw [W]',
      '2026/03/07 00:20:37.000, 0, 60.00 W',
      '2026/03/07 00:20:37.500, 0, [N/A]',
      '2026/03/07 00:20:38.000, 0, 80.00 W',
    ].join('\n');
    expect(await replayTrace(traceFile('smi.csv', capture))).toMatchObject({ samples: 2, seconds: 1, joules: 70, meanWatts: 70, coverage: 1 });
  });

  it('refuses a trace with no span, and a bad file, naming --replay, the file and the fix', async () => {
    const instant = traceFile('instant.csv', 'seconds,device,watts\n5,gpu0,10\n5,cpu,3\n');
    const problem = (file: string) =>
      replayTrace(file).then(
        () => 'no error',
        (error: unknown) => (isUserInputError(error) ? error.message : `not a UserInputError: ${String(error)}`),
      );
    expect(await problem(instant)).toBe(
      `--replay: ${instant}: all 2 samples are at one time, so there is no span to integrate; record at least two samples of a device at different times.`,
    );
    const bad = traceFile('bad.csv', 'seconds,device,watts\n0,gpu0,1\nzero,gpu0,1\n');
    expect(await problem(bad)).toBe(`--replay: ${bad} line 3: the time must be a number of seconds, got "zero".`);
  });
});
