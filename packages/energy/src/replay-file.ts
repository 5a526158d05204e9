import { existsSync, readFileSync } from 'node:fs';
import { UserInputError } from '@sieve/core';
import { cellOf, numberOf, parseNvidiaSmiCsv, parseNvidiaSmiTimestamp } from './nvidia-smi-csv';

/** One recorded power sample: `seconds` from the start of the recording. */
export interface ReplaySample {
  seconds: number;
  device: string;
  watts: number;
}

/** A sample, the 1-based line of the file it came from and its time as written there. */
interface LineSample {
  sample: ReplaySample;
  line: number;
  time: string;
}

const FLAG = '--replay';
const TIME_COLUMNS = ['seconds', 'time_s', 'time', 't'];
const WATTS_COLUMNS = ['watts', 'power_w', 'power'];
const FORMATS =
  'give a CSV with a header naming seconds, device and watts, JSON lines such as {"seconds": 0.1, "device": "gpu0", "watts": 75.5}, ' +
  'or an nvidia-smi capture (--query-gpu=timestamp,index,power.draw --format=csv)';

/**
 * Reads a recorded power trace, in one of three forms:
 * - JSON lines: `{"seconds": 0.1, "device": "gpu0", "watts": 75.5}` (`time` or `t` also name the time);
 * - CSV with a header naming `seconds` (or `time_s`, `time`, `t`), `device` and `watts` (or `power_w`, `power`);
 * - an nvidia-smi capture with `timestamp`, `index` and `power.draw[.instant]` columns (rows whose
 *   power nvidia-smi could not read, such as `[N/A]`, hold no sample).
 * Times are shifted so the recording starts at 0. Mistakes throw a `UserInputError` for `--replay`
 * naming the file, the line and the fix.
 */
export function readReplayFile(path: string): ReplaySample[] {
  if (!existsSync(path)) throw new UserInputError(FLAG, `no file at ${path}; ${FORMATS}.`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserInputError(FLAG, `cannot read ${path} (${error instanceof Error ? error.message : String(error)}); give the path of a recorded power trace file.`);
  }
  return parseReplayText(text, path);
}

export function parseReplayText(text: string, fileName: string): ReplaySample[] {
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const samples = firstLine.trim().startsWith('{')
    ? parseJsonLines(text, fileName)
    : /\btimestamp\b/.test(firstLine) && /\bindex\b/.test(firstLine)
      ? parseNvidiaSmiCapture(text, fileName)
      : parseCsv(text, fileName);
  if (samples.length === 0) throw new UserInputError(FLAG, `${fileName} holds no power samples; ${FORMATS}.`);
  const start = Math.min(...samples.map(({ sample }) => sample.seconds));
  const lastByDevice = new Map<string, LineSample>();
  for (const entry of samples) {
    const { sample, line } = entry;
    const last = lastByDevice.get(sample.device);
    if (last !== undefined && sample.seconds <= last.sample.seconds) {
      throw new UserInputError(
        FLAG,
        `${fileName} line ${line}: ${sample.device} at ${entry.time} comes after its sample at ${last.time} (line ${last.line}); ` +
          "each device's samples must be in increasing time order: sort the file by time and drop repeated times.",
      );
    }
    lastByDevice.set(sample.device, entry);
  }
  return samples.map(({ sample }) => ({ ...sample, seconds: sample.seconds - start }));
}

function parseJsonLines(text: string, fileName: string): LineSample[] {
  const samples: LineSample[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      record = undefined;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new UserInputError(FLAG, `${fileName} line ${i + 1} is not a JSON object: ${line.slice(0, 60)}; write one object per line, such as {"seconds": 0.1, "device": "gpu0", "watts": 75.5}.`);
    }
    const fields = record as Record<string, unknown>;
    const sample = checkedSample(fields.seconds ?? fields.time ?? fields.t, fields.device, fields.watts, `${fileName} line ${i + 1}`);
    samples.push({ sample, line: i + 1, time: `${sample.seconds} s` });
  });
  return samples;
}

function parseCsv(text: string, fileName: string): LineSample[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) return [];
  const header = lines[headerIndex].split(',').map((cell) => cell.trim().toLowerCase());
  const timeColumn = header.findIndex((name) => TIME_COLUMNS.includes(name));
  const deviceColumn = header.indexOf('device');
  const wattsColumn = header.findIndex((name) => WATTS_COLUMNS.includes(name));
  if (timeColumn < 0 || deviceColumn < 0 || wattsColumn < 0) {
    throw new UserInputError(
      FLAG,
      `${fileName} line ${headerIndex + 1} must be a header naming seconds, device and watts columns, got "${lines[headerIndex].trim()}"; ${FORMATS}.`,
    );
  }
  const samples: LineSample[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',').map((cell) => cell.trim());
    const number = (cell: string | undefined) => (cell === undefined || cell === '' ? cell : Number.isFinite(Number(cell)) ? Number(cell) : cell);
    const sample = checkedSample(number(cells[timeColumn]), cells[deviceColumn], number(cells[wattsColumn]), `${fileName} line ${i + 1}`);
    samples.push({ sample, line: i + 1, time: `${cells[timeColumn]} s` });
  }
  return samples;
}

function parseNvidiaSmiCapture(text: string, fileName: string): LineSample[] {
  const table = parseNvidiaSmiCsv(text);
  if (table.malformedLines.length > 0) {
    throw new UserInputError(
      FLAG,
      `${fileName} line ${table.malformedLines[0]} does not have one cell per column of the header; complete or delete it (a capture stopped mid-write ends with such a line).`,
    );
  }
  const powerFields = ['power.draw.instant', 'power.draw'].filter((f) => table.columns.some((c) => c.field === f));
  if (powerFields.length === 0) {
    throw new UserInputError(FLAG, `${fileName} line 1 is the header of an nvidia-smi capture without a power.draw column; capture with --query-gpu=timestamp,index,power.draw.`);
  }
  const samples: LineSample[] = [];
  table.rows.forEach((row, r) => {
    const line = table.rowLines[r];
    const written = cellOf(table, row, 'timestamp')?.raw ?? '';
    const timestamp = parseNvidiaSmiTimestamp(written);
    if (timestamp === null) throw new UserInputError(FLAG, `${fileName} line ${line}: the timestamp must read like 2026/03/07 00:20:37.071, got "${written}".`);
    const index = numberOf(table, row, 'index');
    const watts = powerFields.map((f) => numberOf(table, row, f)).find((w) => w !== null) ?? null;
    if (index === null || watts === null) return; // a sentinel such as [N/A]: no sample
    samples.push({ sample: checkedSample(timestamp / 1000, `gpu${index}`, watts, `${fileName} line ${line}`), line, time: written });
  });
  return samples;
}

function checkedSample(seconds: unknown, device: unknown, watts: unknown, where: string): ReplaySample {
  const got = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new UserInputError(FLAG, `${where}: the time must be a number of seconds, got ${got(seconds)}.`);
  if (typeof device !== 'string' || device === '') throw new UserInputError(FLAG, `${where}: the device must be a name such as gpu0, got ${got(device)}.`);
  if (typeof watts !== 'number' || !Number.isFinite(watts) || watts < 0) throw new UserInputError(FLAG, `${where}: watts must be a number >= 0, got ${got(watts)}.`);
  return { seconds, device, watts };
}
