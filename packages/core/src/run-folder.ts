import { z } from 'zod';
import { UserInputError } from './errors';
import type { BenchmarkPoint } from './points';

/** The files of one run folder: the one list of their names, for the engine, the tools and the dashboard. */
export const RUN_FILES = {
  points: 'points.jsonl',
  events: 'events.jsonl',
  summary: 'summary.json',
  config: 'config.json',
  energy: 'energy.csv',
  /** Who is writing the folder now (`run-lock.ts`); kept when `--overwrite` clears a run. */
  lock: 'run.lock',
} as const;

export interface JsonLines<T> {
  records: T[];
  /** The file's line number (from 1) of each record. */
  lineNumbers: number[];
  /** The last line had no newline: a write cut short (SIGKILL, power loss), dropped. */
  tornLastLine: boolean;
}

/**
 * The records of a JSON-lines file as the engine appends them, one whole line per write. A last
 * line without its newline is a torn write and is dropped (`tornLastLine`); any other line that
 * is not JSON is damage, reported with the file and line number.
 */
export function parseJsonLines<T>(text: string, file: string): JsonLines<T> {
  const lines = text.split('\n');
  // After the final newline, split leaves '' — or, for a torn write, the partial line.
  const last = lines.pop() ?? '';
  const records: T[] = [];
  const lineNumbers: number[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as T);
      lineNumbers.push(index + 1);
    } catch {
      throw new UserInputError(file, `line ${index + 1} is not valid JSON; the run folder is damaged (restore it, or start the run again with --overwrite).`);
    }
  });
  return { records, lineNumbers, tornLastLine: last.trim() !== '' };
}

/**
 * What every reader of `points.jsonl` relies on: the fields the comparison, the report and a
 * resume read. Other fields pass through as they are.
 */
const pointSchema = z.looseObject({
  step: z.number().int().min(1),
  score: z.number(),
  flopsTotal: z.number().min(0),
  flopsTotalWithoutReference: z.number().min(0),
  energy: z.looseObject({ joulesTotal: z.number().nullable() }),
});

/**
 * The benchmark points of a `points.jsonl` text, each checked against what readers rely on. A
 * torn last line is dropped (`tornLastLine`); a point that is not one names its line and field.
 * Steps must rise from line to line: a run writes each step once, in order (a resume first drops
 * the points after its checkpoint), so a step that does not rise means two processes wrote the file.
 */
export function parsePoints(text: string, file: string): { points: BenchmarkPoint[]; tornLastLine: boolean } {
  const { records, lineNumbers, tornLastLine } = parseJsonLines<unknown>(text, file);
  let line = 0;
  const points = records.map((record) => {
    line++;
    const parsed = pointSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserInputError(file, `point ${line} is not a benchmark point: ${issue.path.join('.') || '(the line)'} ${issue.message.toLowerCase()}; the run folder is damaged.`);
    }
    return record as BenchmarkPoint;
  });
  points.forEach((point, index) => {
    const before = points[index - 1];
    if (before !== undefined && point.step <= before.step) {
      throw new UserInputError(
        file,
        `line ${lineNumbers[index]} is step ${point.step}, after step ${before.step} on line ${lineNumbers[index - 1]}; a run's steps only rise, ` +
          'so two processes probably wrote this folder at once. Its points cannot be trusted: start the run again with --overwrite, or into another --out.',
      );
    }
  });
  return { points, tornLastLine };
}
