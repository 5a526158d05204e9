import { describe, expect, it } from 'vitest';
import { parseJsonLines, parsePoints } from './run-folder';
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

describe('parseJsonLines', () => {
  it('reads whole lines, skips blank ones, and drops a last line without its newline as torn', () => {
    expect(parseJsonLines('{"a":1}\n\n{"a":2}\n', 'f.jsonl')).toEqual({ records: [{ a: 1 }, { a: 2 }], tornLastLine: false });
    expect(parseJsonLines('{"a":1}\n{"a":', 'f.jsonl')).toEqual({ records: [{ a: 1 }], tornLastLine: true });
    // Even a torn line that happens to parse is torn: the writer always ends a record with a newline.
    expect(parseJsonLines('{"a":1}\n7', 'f.jsonl')).toEqual({ records: [{ a: 1 }], tornLastLine: true });
    expect(parseJsonLines('', 'f.jsonl')).toEqual({ records: [], tornLastLine: false });
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
