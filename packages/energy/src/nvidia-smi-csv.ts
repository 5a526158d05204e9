/**
 * A parser for `nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]` output.
 *
 * - The header, when present, names each field with its unit: `power.draw [W]`.
 * - Cells carry units unless `nounits` was given: `76.78 W`, `16280 MiB`, `10 %`.
 * - A value nvidia-smi cannot give is a sentinel: `[N/A]`, bare `N/A`, `[Not Supported]`,
 *   `[Requested functionality has been deprecated]`, `[Function Not Found]`,
 *   `[Insufficient Permissions]`, `[Unknown Error]`, `ERR!`. Under MIG, utilisation reads
 *   `[N/A]` while power stays whole-GPU: one row per physical GPU either way.
 * - Timestamps look like `2026/03/07 00:20:37.071`, in the local time zone.
 * Cells are separated by commas; nvidia-smi does not quote, so a value containing a comma
 * (no GPU name seen so far has one) would make its row malformed, and it is reported as such.
 */
export type NvidiaSmiValue =
  | { kind: 'number'; value: number; unit: string | null; raw: string }
  | { kind: 'text'; value: string; raw: string }
  | { kind: 'missing'; reason: string; raw: string };

export interface NvidiaSmiColumn {
  field: string;
  unit: string | null;
}

export interface NvidiaSmiTable {
  columns: NvidiaSmiColumn[];
  rows: NvidiaSmiValue[][];
  /** The 1-based line number of each row. */
  rowLines: number[];
  /** 1-based line numbers of rows without one cell per column (e.g. a line cut off mid-write). */
  malformedLines: number[];
}

const HEADER_CELL = /^([A-Za-z_][\w.]*)(?:\s*\[([^\]]*)\])?$/;
const NUMBER_CELL = /^([-+]?\d+(?:\.\d+)?)(?:\s+([A-Za-z%][\w/%]*))?$/;

/** `power.draw [W]` -> `{ field: 'power.draw', unit: 'W' }`. */
export function parseHeaderCell(cell: string): NvidiaSmiColumn | null {
  const match = HEADER_CELL.exec(cell.trim());
  return match ? { field: match[1], unit: match[2] ?? null } : null;
}

/** One cell; `headerUnit` is the unit the header gave its column, used when the cell has none. */
export function parseNvidiaSmiCell(cell: string, headerUnit: string | null = null): NvidiaSmiValue {
  const raw = cell.trim();
  if (/^\[.*\]$/.test(raw)) return { kind: 'missing', reason: raw.slice(1, -1), raw };
  if (raw === 'N/A' || raw === 'ERR!' || raw === '') return { kind: 'missing', reason: raw || 'empty', raw };
  const match = NUMBER_CELL.exec(raw);
  if (match) return { kind: 'number', value: Number(match[1]), unit: match[2] ?? headerUnit, raw };
  return { kind: 'text', value: raw, raw };
}

/**
 * Parses a whole capture. With `fields` (what `--query-gpu=` asked for), the text has no
 * header (`noheader`), though a header line is recognised and skipped if there is one;
 * without `fields`, the first line is the header.
 */
export function parseNvidiaSmiCsv(text: string, fields?: readonly string[]): NvidiaSmiTable {
  const lines = text.split(/\r?\n/);
  let columns: NvidiaSmiColumn[] | null = fields ? fields.map((field) => ({ field, unit: null })) : null;
  const rows: NvidiaSmiValue[][] = [];
  const rowLines: number[] = [];
  const malformedLines: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = line.split(',');
    const header = cells.map(parseHeaderCell);
    const isHeader = header.every((c) => c !== null) && (columns === null || header[0]?.field === columns[0].field);
    if (isHeader) {
      columns = header as NvidiaSmiColumn[];
      return;
    }
    if (columns === null || cells.length !== columns.length) {
      malformedLines.push(i + 1);
      return;
    }
    const known = columns;
    rows.push(cells.map((cell, k) => parseNvidiaSmiCell(cell, known[k].unit)));
    rowLines.push(i + 1);
  });
  return { columns: columns ?? [], rows, rowLines, malformedLines };
}

/** The value of `field` in a row, or undefined when the table has no such column. */
export function cellOf(table: Pick<NvidiaSmiTable, 'columns'>, row: NvidiaSmiValue[], field: string): NvidiaSmiValue | undefined {
  const k = table.columns.findIndex((c) => c.field === field);
  return k < 0 ? undefined : row[k];
}

/** The number in `field`, or null when it is a sentinel, text, or absent. */
export function numberOf(table: Pick<NvidiaSmiTable, 'columns'>, row: NvidiaSmiValue[], field: string): number | null {
  const cell = cellOf(table, row, field);
  return cell?.kind === 'number' ? cell.value : null;
}

const TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** `2026/03/07 00:20:37.071` (local time) -> milliseconds since the epoch, or null if it is not one. */
export function parseNvidiaSmiTimestamp(text: string): number | null {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hours, minutes, seconds, fraction = '0'] = match;
  const milliseconds = Number(`0.${fraction}`) * 1000;
  const date = new Date(Number(year), Number(month) - 1, Number(day), Number(hours), Number(minutes), Number(seconds));
  const epoch = date.getTime() + milliseconds;
  return Number.isFinite(epoch) ? epoch : null;
}
