/**
 * Streams the rows of a list file: CSV or TSV with a header row (cells stay strings), or JSONL
 * (one JSON object per line, values as parsed). A leading byte-order mark is dropped.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { csvRecords } from './csv-records';

export type ListRow =
  | { header: string[] }
  | { line: number; values: Record<string, unknown> }
  | { line: number; bad: string };

async function* withoutBom(text: AsyncIterable<string>): AsyncGenerator<string> {
  let first = true;
  for await (const chunk of text) {
    yield first && chunk.startsWith('\uFEFF') ? chunk.slice(1) : chunk;
    first = false;
  }
}

async function* jsonlRows(file: string): AsyncGenerator<ListRow> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    const text = ++line === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line, bad: 'invalid JSON' };
      continue;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) yield { line, values: value as Record<string, unknown> };
    else yield { line, bad: 'not a JSON object' };
  }
}

async function* delimitedRows(file: string, delimiter: string): AsyncGenerator<ListRow> {
  let header: string[] | null = null;
  for await (const record of csvRecords(withoutBom(createReadStream(file, { encoding: 'utf8' })), delimiter)) {
    if (!header) {
      header = record.fields.map((name) => name.trim());
      yield { header };
    } else if (record.bad) {
      yield { line: record.line, bad: 'unclosed quote or text after a closing quote' };
    } else if (record.fields.length !== header.length) {
      yield { line: record.line, bad: `${record.fields.length} cells under ${header.length} columns` };
    } else {
      const values: Record<string, unknown> = {};
      header.forEach((name, i) => (values[name] = record.fields[i]));
      yield { line: record.line, values };
    }
  }
}

/** `kind` is the list's extension: `.csv`, `.tsv` or `.jsonl`. */
export function listRows(file: string, kind: string): AsyncGenerator<ListRow> {
  if (kind === '.jsonl') return jsonlRows(file);
  return delimitedRows(file, kind === '.tsv' ? '\t' : ',');
}
