import { readFileSync } from 'node:fs';
import { UserInputError } from '@sieve/core';
import { cellOf, numberOf, parseNvidiaSmiCsv, parseNvidiaSmiTimestamp } from './nvidia-smi-csv';

/** One recorded power sample: `seconds` from the start of the recording. */
export interface ReplaySample {
  seconds: number;
  device: string;
  watts: number;
}

const FIELD = 'energy.replayFile';
const TIME_COLUMNS = ['seconds', 'time_s', 'time', 't'];
const WATTS_COLUMNS = ['watts', 'power_w', 'power'];

/**
 * Reads a recorded power trace, in one of three forms:
 * - JSON lines: `{"seconds": 0.1, "device": "gpu0", "watts": 75.5}` (`time` or `t` also name the time);
 * - CSV with a header naming `seconds` (or `time_s`, `time`, `t`), `device` and `watts` (or `power_w`, `power`);
 * - an nvidia-smi capture with `timestamp`, `index` and `power.draw[.instant]` columns.
 * Times are shifted so the recording starts at 0. Mistakes throw `UserInputError` with the line.
 */
export function readReplayFile(path: string): ReplaySample[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserInputError(FIELD, `cannot read ${path} (${error instanceof Error ? error.message : String(error)})`);
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
  if (samples.length === 0) throw new UserInputError(FIELD, `${fileName} holds no power samples; see readReplayFile for the formats`);
  const start = Math.min(...samples.map((s) => s.seconds));
  const lastByDevice = new Map<string, number>();
  for (const sample of samples) {
    sample.seconds -= start;
    const last = lastByDevice.get(sample.device);
    if (last !== undefined && sample.seconds <= last) {
      throw new UserInputError(FIELD, `${fileName}: samples of ${sample.device} must be in increasing time order (${sample.seconds + start} s comes after ${last + start} s)`);
    }
    lastByDevice.set(sample.device, sample.seconds);
  }
  return samples;
}

function parseJsonLines(text: string, fileName: string): ReplaySample[] {
  const samples: ReplaySample[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new UserInputError(FIELD, `${fileName} line ${i + 1} is not JSON: ${line.slice(0, 60)}`);
    }
    samples.push(checkedSample(record.seconds ?? record.time ?? record.t, record.device, record.watts, `${fileName} line ${i + 1}`));
  });
  return samples;
}

function parseCsv(text: string, fileName: string): ReplaySample[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  const header = lines[headerIndex].split(',').map((cell) => cell.trim().toLowerCase());
  const timeColumn = header.findIndex((name) => TIME_COLUMNS.includes(name));
  const deviceColumn = header.indexOf('device');
  const wattsColumn = header.findIndex((name) => WATTS_COLUMNS.includes(name));
  if (timeColumn < 0 || deviceColumn < 0 || wattsColumn < 0) {
    throw new UserInputError(FIELD, `${fileName} line ${headerIndex + 1} must be a header naming seconds, device and watts columns, got "${lines[headerIndex].trim()}"`);
  }
  const samples: ReplaySample[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',').map((cell) => cell.trim());
    samples.push(checkedSample(Number(cells[timeColumn]), cells[deviceColumn], Number(cells[wattsColumn]), `${fileName} line ${i + 1}`));
  }
  return samples;
}

function parseNvidiaSmiCapture(text: string, fileName: string): ReplaySample[] {
  const table = parseNvidiaSmiCsv(text);
  const powerFields = ['power.draw.instant', 'power.draw'].filter((f) => table.columns.some((c) => c.field === f));
  if (powerFields.length === 0) throw new UserInputError(FIELD, `${fileName} is an nvidia-smi capture without a power.draw column`);
  const samples: ReplaySample[] = [];
  for (const row of table.rows) {
    const timestamp = parseNvidiaSmiTimestamp(cellOf(table, row, 'timestamp')?.raw ?? '');
    const index = numberOf(table, row, 'index');
    const watts = powerFields.map((f) => numberOf(table, row, f)).find((w) => w !== null) ?? null;
    if (timestamp === null || index === null || watts === null) continue; // a sentinel: no sample
    samples.push({ seconds: timestamp / 1000, device: `gpu${index}`, watts });
  }
  return samples;
}

function checkedSample(seconds: unknown, device: unknown, watts: unknown, where: string): ReplaySample {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new UserInputError(FIELD, `${where}: the time must be a number of seconds`);
  if (typeof device !== 'string' || device === '') throw new UserInputError(FIELD, `${where}: the device must be a name such as gpu0`);
  if (typeof watts !== 'number' || !Number.isFinite(watts) || watts < 0) throw new UserInputError(FIELD, `${where}: watts must be a number >= 0`);
  return { seconds, device, watts };
}
