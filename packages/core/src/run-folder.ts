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
} as const;

export interface JsonLines<T> {
  records: T[];
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
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      throw new UserInputError(file, `line ${index + 1} is not valid JSON; the run folder is damaged (restore it, or start the run again with --overwrite).`);
    }
  });
  return { records, tornLastLine: last.trim() !== '' };
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
 */
export function parsePoints(text: string, file: string): { points: BenchmarkPoint[]; tornLastLine: boolean } {
  const { records, tornLastLine } = parseJsonLines<unknown>(text, file);
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
  return { points, tornLastLine };
}
