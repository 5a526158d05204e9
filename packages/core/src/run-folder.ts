import { UserInputError } from './errors';

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
