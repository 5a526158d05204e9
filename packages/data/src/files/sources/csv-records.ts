/**
 * A small streaming RFC 4180 parser (csv-parse is not installed; csv-stringify only writes):
 * quoted fields may hold the delimiter, doubled quotes and line breaks; CRLF, LF and CR end
 * records; blank lines are skipped. Text after a closing quote marks the record bad.
 */
export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
  /** An unclosed quote or text after a closing quote. */
  bad: boolean;
}

type State = 'start' | 'plain' | 'quoted' | 'closed';

export async function* csvRecords(text: AsyncIterable<string>, delimiter: string): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let state: State = 'start';
  let bad = false;
  let line = 1;
  let recordLine = 1;
  let afterCr = false;
  const endRecord = (out: CsvRecord[]) => {
    fields.push(field);
    const blank = fields.length === 1 && field === '' && state === 'start';
    if (!blank) out.push({ fields, line: recordLine, bad: bad || state === 'quoted' });
    [fields, field, state, bad] = [[], '', 'start', false];
  };
  for await (const chunk of text) {
    const out: CsvRecord[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      if (afterCr && ch === '\n') {
        afterCr = false;
        continue;
      }
      afterCr = false;
      if (state === 'quoted') {
        if (ch === '"') state = 'closed';
        else field += ch;
        if (ch === '\n') line++;
      } else if (state === 'closed' && ch === '"') {
        [field, state] = [field + '"', 'quoted'];
      } else if (ch === delimiter) {
        fields.push(field);
        [field, state] = ['', 'start'];
      } else if (ch === '\n' || ch === '\r') {
        endRecord(out);
        recordLine = ++line;
        afterCr = ch === '\r';
      } else if (state === 'start' && ch === '"') {
        state = 'quoted';
      } else {
        if (state === 'closed') bad = true;
        field += ch;
        if (state === 'start') state = 'plain';
      }
    }
    yield* out;
  }
  const out: CsvRecord[] = [];
  if (fields.length > 0 || field !== '' || state !== 'start') endRecord(out);
  yield* out;
}

/** A CSV cell as metadata: a string, or a number when the whole cell is a plain decimal number (leading-zero codes like `007` stay text). */
export function csvValue(cell: string): string | number {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cell) || /^[-+]?0\d/.test(cell)) return cell;
  const value = Number(cell);
  return Number.isFinite(value) ? value : cell;
}
