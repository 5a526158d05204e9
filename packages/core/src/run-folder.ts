import { UserInputError } from './errors';
import { pointProblem, type BenchmarkPoint } from './points';

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

/** One line of a JSON-lines file: its value, or why it is not JSON. */
export interface JsonLine {
  /** The file's line number, from 1. */
  lineNumber: number;
  /** The parsed value; undefined when the line is not JSON. */
  value: unknown;
  /** Set when the line is not JSON. */
  error?: string;
}

/**
 * The lines of a JSON-lines text as the engine appends them, one whole line per write: each line
 * that ends in a newline, parsed (blank ones skipped), numbered from `firstLineNumber`.
 * `lineCount` counts blank lines too. What follows the last newline is `rest`, not parsed: a
 * line still being written, or one a write cut short (SIGKILL, power loss).
 */
export function splitJsonLines(text: string, firstLineNumber = 1): { lines: JsonLine[]; lineCount: number; rest: string } {
  const texts = text.split('\n');
  // After the final newline, split leaves '' — or the unfinished line.
  const rest = texts.pop() ?? '';
  const lines: JsonLine[] = [];
  texts.forEach((line, index) => {
    if (line.trim() === '') return;
    const lineNumber = firstLineNumber + index;
    try {
      lines.push({ lineNumber, value: JSON.parse(line) });
    } catch (error) {
      lines.push({ lineNumber, value: undefined, error: (error as Error).message });
    }
  });
  return { lines, lineCount: texts.length, rest };
}

export interface JsonLines<T> {
  records: T[];
  /** The file's line number (from 1) of each record. */
  lineNumbers: number[];
  /** The last line had no newline: a write cut short (SIGKILL, power loss), dropped. */
  tornLastLine: boolean;
}

/**
 * The records of a whole JSON-lines file of a run folder. A last line without its newline is a
 * torn write and is dropped (`tornLastLine`); any other line that is not JSON is damage,
 * reported with the file and line number.
 */
export function parseJsonLines<T>(text: string, file: string): JsonLines<T> {
  const { lines, rest } = splitJsonLines(text);
  const damaged = lines.find((line) => line.error !== undefined);
  if (damaged) {
    throw new UserInputError(file, `line ${damaged.lineNumber} is not valid JSON; the run folder is damaged (restore it, or start the run again with --overwrite).`);
  }
  return { records: lines.map((line) => line.value as T), lineNumbers: lines.map((line) => line.lineNumber), tornLastLine: rest.trim() !== '' };
}

/**
 * The benchmark points of a `points.jsonl` text, each checked against the point schema. A
 * torn last line is dropped (`tornLastLine`); a point that is not one names its line and field.
 * Steps must rise from line to line: a run writes each step once, in order (a resume first drops
 * the points after its checkpoint), so a step that does not rise means two processes wrote the file.
 */
export function parsePoints(text: string, file: string): { points: BenchmarkPoint[]; tornLastLine: boolean } {
  const { records, lineNumbers, tornLastLine } = parseJsonLines<unknown>(text, file);
  const points = records.map((record, index) => {
    const problem = pointProblem(record);
    if (problem !== null) throw new UserInputError(file, `point ${index + 1} is not a benchmark point: ${problem}; the run folder is damaged.`);
    // The record itself, with any field the schema does not name: a resume writes it back as it was.
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
