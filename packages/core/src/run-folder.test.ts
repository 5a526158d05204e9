import { describe, expect, it } from 'vitest';
import { parseJsonLines, parsePoints, splitJsonLines } from './run-folder';
import { isUserInputError } from './errors';

const point = (step: number) => JSON.stringify({ step, score: 0.5, flopsTotal: 10, flopsTotalWithoutReference: 8, energy: { joulesTotal: null } });

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isUserInputError(error)) return error.message;
    throw error;
  }
  return '';
}

describe('splitJsonLines', () => {
  it('parses each line that ends in a newline, numbered from the first line number, and keeps the rest unparsed', () => {
    expect(splitJsonLines('{"a":1}\n\nnot json\n{"a":', 5)).toEqual({
      lines: [
        { lineNumber: 5, value: { a: 1 } },
        { lineNumber: 7, value: undefined, error: expect.stringMatching(/JSON/) },
      ],
      lineCount: 3,
      rest: '{"a":',
    });
    expect(splitJsonLines('')).toEqual({ lines: [], lineCount: 0, rest: '' });
    expect(splitJsonLines('7')).toEqual({ lines: [], lineCount: 0, rest: '7' });
  });
});

describe('parseJsonLines', () => {
  it('reads whole lines, skips blank ones, and drops a last line without its newline as torn', () => {
    expect(parseJsonLines('{"a":1}\n\n{"a":2}\n', 'f.jsonl')).toEqual({ records: [{ a: 1 }, { a: 2 }], lineNumbers: [1, 3], tornLastLine: false });
    expect(parseJsonLines('{"a":1}\n{"a":', 'f.jsonl')).toEqual({ records: [{ a: 1 }], lineNumbers: [1], tornLastLine: true });
    // Even a torn line that happens to parse is torn: the writer always ends a record with a newline.
    expect(parseJsonLines('{"a":1}\n7', 'f.jsonl')).toEqual({ records: [{ a: 1 }], lineNumbers: [1], tornLastLine: true });
    expect(parseJsonLines('', 'f.jsonl')).toEqual({ records: [], lineNumbers: [], tornLastLine: false });
  });

  it('names the file and line of a damaged line that is not the last', () => {
    expect(problemOf(() => parseJsonLines('{"a":1}\n{"a"\n{"a":3}\n', 'run/points.jsonl'))).toBe(
      'run/points.jsonl: line 2 is not valid JSON; the run folder is damaged (restore it, or start the run again with --overwrite).',
    );
  });
});

describe('parsePoints', () => {
  it('checks each point for the fields its readers rely on', () => {
    expect(parsePoints(`${point(1)}\n${point(2)}\n`, 'p.jsonl').points.map((p) => p.step)).toEqual([1, 2]);
    expect(problemOf(() => parsePoints(`${point(1)}\n{"step":2.5}\n`, 'p.jsonl'))).toMatch(/^p\.jsonl: point 2 is not a benchmark point: step .*; the run folder is damaged\.$/);
    expect(problemOf(() => parsePoints(`{"step":1,"score":0.5,"flopsTotal":1,"flopsTotalWithoutReference":1}\n`, 'p.jsonl'))).toMatch(/point 1 is not a benchmark point: energy /);
  });
});

describe('parsePoints on a file two processes wrote', () => {
  it('refuses steps that do not rise, naming the file, the lines and the two steps', () => {
    const interleaved = [10, 20, 10, 20, 30, 30].map(point).join('\n');
    expect(problemOf(() => parsePoints(`${interleaved}\n`, 'run/points.jsonl'))).toBe(
      'run/points.jsonl: line 3 is step 10, after step 20 on line 2; a run\'s steps only rise, so two processes probably wrote this folder at once. ' +
        'Its points cannot be trusted: start the run again with --overwrite, or into another --out.',
    );
    // A repeated step is refused too; blank lines count in the line numbers.
    expect(problemOf(() => parsePoints(`${point(10)}\n\n${point(10)}\n`, 'p.jsonl'))).toMatch(/^p\.jsonl: line 3 is step 10, after step 10 on line 1;/);
    expect(parsePoints(`${point(10)}\n${point(20)}\n${point(30)}\n`, 'p.jsonl').points.map((p) => p.step)).toEqual([10, 20, 30]);
  });
});
