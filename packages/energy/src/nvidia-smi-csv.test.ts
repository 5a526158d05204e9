import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cellOf, numberOf, parseNvidiaSmiCell, parseNvidiaSmiCsv, parseNvidiaSmiTimestamp, type NvidiaSmiTable } from './nvidia-smi-csv';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/nvidia-smi/${name}`, import.meta.url), 'utf8');
}

/** Row `r`, as field -> raw cell, for readable expectations. */
function rawRow(table: NvidiaSmiTable, r: number): Record<string, string> {
  return Object.fromEntries(table.columns.map((c, k) => [c.field, table.rows[r][k].raw]));
}

describe('parseNvidiaSmiCell', () => {
  it('reads numbers with and without units, text, and every sentinel', () => {
    expect(parseNvidiaSmiCell(' 76.78 W')).toEqual({ kind: 'number', value: 76.78, unit: 'W', raw: '76.78 W' });
    expect(parseNvidiaSmiCell('28.16', 'W')).toEqual({ kind: 'number', value: 28.16, unit: 'W', raw: '28.16' });
    expect(parseNvidiaSmiCell('10 %')).toMatchObject({ value: 10, unit: '%' });
    expect(parseNvidiaSmiCell('0x40051458')).toEqual({ kind: 'text', value: '0x40051458', raw: '0x40051458' });
    expect(parseNvidiaSmiCell('418.87.01')).toMatchObject({ kind: 'text' });
    for (const [cell, reason] of [
      ['[N/A]', 'N/A'],
      ['N/A', 'N/A'],
      ['[Not Supported]', 'Not Supported'],
      ['[Requested functionality has been deprecated]', 'Requested functionality has been deprecated'],
      ['[Function Not Found]', 'Function Not Found'],
      ['[Insufficient Permissions]', 'Insufficient Permissions'],
      ['[Unknown Error]', 'Unknown Error'],
      ['ERR!', 'ERR!'],
    ]) {
      expect(parseNvidiaSmiCell(cell)).toEqual({ kind: 'missing', reason, raw: cell });
    }
  });
});

describe('parseNvidiaSmiCsv on recorded captures', () => {
  it('tesla-p100-nounits.csv: units from the header, [N/A] fan', () => {
    const table = parseNvidiaSmiCsv(fixture('tesla-p100-nounits.csv'));
    expect(table.columns.slice(0, 3)).toEqual([
      { field: 'name', unit: null },
      { field: 'uuid', unit: null },
      { field: 'fan.speed', unit: '%' },
    ]);
    expect(table.rows).toHaveLength(1);
    const row = table.rows[0];
    expect(cellOf(table, row, 'name')).toMatchObject({ kind: 'text', value: 'Tesla P100-PCIE-16GB' });
    expect(cellOf(table, row, 'uuid')).toMatchObject({ value: 'GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6' });
    expect(cellOf(table, row, 'fan.speed')).toEqual({ kind: 'missing', reason: 'N/A', raw: '[N/A]' });
    expect(cellOf(table, row, 'power.draw')).toEqual({ kind: 'number', value: 28.16, unit: 'W', raw: '28.16' });
    expect(cellOf(table, row, 'memory.free')).toMatchObject({ value: 16280, unit: 'MiB' });
    expect(numberOf(table, row, 'temperature.gpu')).toBe(37);
    expect(cellOf(table, row, 'clocks.current.video')).toMatchObject({ value: 835, unit: 'MHz' });
    expect(table.malformedLines).toEqual([]);
  });

  it('two-rows-with-units.csv: units in cells, two GPUs', () => {
    const table = parseNvidiaSmiCsv(fixture('two-rows-with-units.csv'));
    expect(table.rows).toHaveLength(2);
    expect(rawRow(table, 1)).toMatchObject({ name: 'Some Other GPU', index: '1', 'pci.bus_id': '00000000:02:00.0' });
    const [first, second] = table.rows;
    expect(cellOf(table, first, 'name')).toMatchObject({ value: 'NVIDIA GeForce RTX 2080 SUPER' });
    expect(cellOf(table, first, 'fan.speed')).toMatchObject({ kind: 'number', value: 38, unit: '%' });
    expect(cellOf(table, first, 'memory.used')).toMatchObject({ value: 575, unit: 'MiB' });
    expect(cellOf(table, first, 'serial')).toMatchObject({ kind: 'missing', reason: 'N/A' });
    expect(cellOf(table, first, 'vbios_version')).toMatchObject({ kind: 'text', value: '90.04.7a.40.73' });
    expect(numberOf(table, first, 'compute_cap')).toBe(7.5);
    expect(numberOf(table, first, 'index')).toBe(0);
    expect(numberOf(table, second, 'memory.used')).toBe(1234);
    expect(numberOf(table, second, 'compute_cap')).toBe(8.6);
    expect(cellOf(table, second, 'pci.sub_device_id')).toMatchObject({ kind: 'text', value: '0x12345678' });
  });

  it('two-gpus-one-tick.csv: one tick, shared timestamp, watts in cells', () => {
    const table = parseNvidiaSmiCsv(fixture('two-gpus-one-tick.csv'));
    expect(table.columns[2]).toEqual({ field: 'power.draw', unit: 'W' });
    expect(table.rows.map((row) => [numberOf(table, row, 'index'), numberOf(table, row, 'power.draw')])).toEqual([
      [0, 76.78],
      [1, 76.08],
    ]);
    expect(table.rows.map((row) => cellOf(table, row, 'power.draw'))).toMatchObject([{ unit: 'W' }, { unit: 'W' }]);
    expect(numberOf(table, table.rows[1], 'temperature.gpu')).toBe(29);
    expect(numberOf(table, table.rows[0], 'clocks.current.memory')).toBe(3201);
    const times = table.rows.map((row) => parseNvidiaSmiTimestamp(cellOf(table, row, 'timestamp')?.raw ?? ''));
    expect(times[0]).not.toBeNull();
    expect(times[1]).toBe(times[0]);
  });

  it('four-p100-not-supported.csv: [Not Supported] fans, watts of each GPU', () => {
    const table = parseNvidiaSmiCsv(fixture('four-p100-not-supported.csv'));
    expect(table.rows).toHaveLength(2);
    expect(table.rows.map((row) => numberOf(table, row, 'power.draw'))).toEqual([24.8, 25.05]);
    expect(table.rows.map((row) => numberOf(table, row, 'power.limit'))).toEqual([250, 250]);
    expect(table.rows.map((row) => cellOf(table, row, 'fan.speed'))).toEqual([
      { kind: 'missing', reason: 'Not Supported', raw: '[Not Supported]' },
      { kind: 'missing', reason: 'Not Supported', raw: '[Not Supported]' },
    ]);
    expect(numberOf(table, table.rows[1], 'memory.used')).toBe(3256);
    expect(numberOf(table, table.rows[1], 'count')).toBe(4);
    expect(cellOf(table, table.rows[0], 'driver_version')).toMatchObject({ kind: 'text', value: '418.87.01' });
    expect(cellOf(table, table.rows[0], 'pstate')).toMatchObject({ kind: 'text', value: 'P0' });
  });

  it('loop-ms-stream.csv: streamed rows 4 ms apart', () => {
    const table = parseNvidiaSmiCsv(fixture('loop-ms-stream.csv'));
    const [t0, t1] = table.rows.map((row) => parseNvidiaSmiTimestamp(cellOf(table, row, 'timestamp')?.raw ?? ''));
    expect((t1 ?? 0) - (t0 ?? 0)).toBe(4);
    expect(table.rows.map((row) => numberOf(table, row, 'memory.free'))).toEqual([22494, 22508]);
    expect(table.rows.map((row) => numberOf(table, row, 'temperature.gpu'))).toEqual([25, 24]);
  });

  it('stream-sentinels-synthetic.csv: headerless stream as Sieve reads it, with a line cut off', () => {
    const fields = ['timestamp', 'index', 'power.draw.instant', 'power.draw', 'utilization.gpu'];
    const table = parseNvidiaSmiCsv(fixture('stream-sentinels-synthetic.csv'), fields);
    expect(table.rows).toHaveLength(6);
    expect(table.rowLines).toEqual([1, 2, 3, 4, 5, 6]);
    expect(table.malformedLines).toEqual([7]);
    const powers = table.rows.map((row) => [numberOf(table, row, 'index'), numberOf(table, row, 'power.draw.instant'), numberOf(table, row, 'power.draw')]);
    expect(powers).toEqual([
      [0, 88.12, 90.5],
      [1, null, 71.25],
      [0, null, 91],
      [1, null, null],
      [0, null, null],
      [1, 72.5, 70],
    ]);
    expect(cellOf(table, table.rows[2], 'power.draw.instant')).toMatchObject({ reason: 'Requested functionality has been deprecated' });
    expect(cellOf(table, table.rows[3], 'power.draw')).toMatchObject({ reason: 'Insufficient Permissions' });
    expect(cellOf(table, table.rows[4], 'power.draw.instant')).toMatchObject({ reason: 'Function Not Found' });
    expect(cellOf(table, table.rows[1], 'utilization.gpu')).toMatchObject({ kind: 'missing', reason: 'N/A' });
  });

  it('skips a header even when the fields are given', () => {
    const table = parseNvidiaSmiCsv('index, power.draw [W]\n0, 12.5 W\n', ['index', 'power.draw']);
    expect(table.rowLines).toEqual([2]);
    expect(table.columns).toEqual([
      { field: 'index', unit: null },
      { field: 'power.draw', unit: 'W' },
    ]);
    expect(table.rows.map((row) => numberOf(table, row, 'power.draw'))).toEqual([12.5]);
  });
});

describe('parseNvidiaSmiTimestamp', () => {
  it('reads the local time nvidia-smi prints, to the millisecond', () => {
    const epoch = parseNvidiaSmiTimestamp('2026/03/07 00:20:37.071');
    const date = new Date(epoch ?? Number.NaN);
    expect([date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds(), date.getMilliseconds()]).toEqual([
      2026, 3, 7, 0, 20, 37, 71,
    ]);
    expect((parseNvidiaSmiTimestamp('2026/03/07 00:20:38') ?? 0) - (epoch ?? 0)).toBe(929);
    expect(parseNvidiaSmiTimestamp('Sat Mar  7 00:20:37 2026')).toBeNull();
  });
});
