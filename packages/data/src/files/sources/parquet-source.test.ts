import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '@sieve/core';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readSource } from './read-source';
import { drain, jpeg, png, tempFolder } from '../../testing';
import type { ColumnOptions, ResolvedSource } from './types';

function writeParquet(file: string, columnData: ColumnSource[], schema?: SchemaElement[], rowGroupSize?: number): ResolvedSource {
  writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData, schema, rowGroupSize })));
  return { spec: file, format: 'parquet', files: [file] };
}

const read = (source: ResolvedSource, options: ColumnOptions = {}) => drain(readSource(source, options, 'data.source'));

describe('parquet sources', () => {
  it('reads a Hugging Face {bytes, path} image struct with captions and metadata', async () => {
    const [red, blue] = [await jpeg('#f00'), await png('#00f')];
    const source = writeParquet(
      join(tempFolder(), 'train.parquet'),
      [
        { name: 'image', data: [{ bytes: red, path: 'a.jpg' }, null, { bytes: blue, path: 'a.jpg' }, { bytes: blue, path: null }, { bytes: null, path: 'x.png' }] },
        { name: 'text', data: [' red ', 'none', null, 'blue', 'no bytes'] },
        { name: 'score', data: [0.5, 1, 2, 3.25, 4] },
        { name: 'id', data: [1n, 2n, 3n, 9007199254740993n, 5n] },
      ],
      [
        { name: 'root', num_children: 4 },
        { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
        { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'score', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
        { name: 'id', type: 'INT64', repetition_type: 'OPTIONAL' },
      ],
    );
    const { samples, skipped, order } = await read(source);
    expect(order).toEqual(['a.jpg', 'missing-image:row-1', 'missing-caption:row-2', 'row-3', 'missing-image:row-4']);
    expect(samples).toEqual([
      { key: 'a.jpg', image: new Uint8Array(red), caption: 'red', meta: { score: 0.5, id: 1 }, origin: 'train.parquet row 0' },
      { key: 'row-3', image: new Uint8Array(blue), caption: 'blue', meta: { score: 3.25, id: '9007199254740993' }, origin: 'train.parquet row 3' },
    ]);
    expect(skipped[1]).toEqual({ reason: 'missing-caption', key: 'row-2', origin: 'train.parquet row 2' });
  });

  it('reads a plain binary column across batches and row groups, in row order', async () => {
    const rows = 2500;
    const source = writeParquet(
      join(tempFolder(), 'big.parquet'),
      [
        { name: 'jpg', data: Array.from({ length: rows }, (_, i) => new Uint8Array([i % 256, i >> 8])), type: 'BYTE_ARRAY' },
        { name: 'txt', data: Array.from({ length: rows }, (_, i) => `caption ${i}`), type: 'BYTE_ARRAY' },
        { name: 'n', data: Array.from({ length: rows }, (_, i) => i), type: 'INT32' },
      ],
      undefined,
      1100,
    );
    const { samples, skipped } = await read(source);
    expect(skipped).toEqual([]);
    expect(samples.map((s) => s.key)).toEqual(Array.from({ length: rows }, (_, i) => `row-${i}`));
    expect(samples.every((s, i) => s.caption === `caption ${i}` && s.meta.n === i && s.image[0] === i % 256 && s.image[1] === i >> 8)).toBe(true);
  });

  it('reads image files named by a text column, relative to the parquet folder', async () => {
    const folder = tempFolder();
    const red = await png('#f00');
    writeFileSync(join(folder, 'a.png'), red);
    const source = writeParquet(join(folder, 'paths.parquet'), [
      { name: 'image_path', data: ['a.png', 'gone.png'], type: 'STRING' },
      { name: 'caption', data: ['red', 'gone'], type: 'STRING' },
    ]);
    const { samples, order } = await read(source);
    expect(order).toEqual(['a.png', 'missing-file:gone.png']);
    expect(Buffer.from(samples[0].image).equals(red)).toBe(true);
  });

  it('refuses a file with no usable columns, naming it and the columns found', async () => {
    const file = join(tempFolder(), 'odd.parquet');
    const source = writeParquet(file, [
      { name: 'picture', data: [new Uint8Array([1])], type: 'BYTE_ARRAY' },
      { name: 'alt', data: ['x'], type: 'STRING' },
    ]);
    const error = await read(source).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).problem).toContain(file);
    expect((error as UserInputError).problem).toContain('columns found: picture, alt');
    expect((await read(source, { imageColumn: 'picture', captionColumn: 'alt' })).samples.map((s) => [s.key, s.caption])).toEqual([['row-0', 'x']]);
  });

  it('gives one unreadable-shard skip for a file that is not parquet', async () => {
    const file = join(tempFolder(), 'broken.parquet');
    writeFileSync(file, 'not a parquet file at all');
    expect((await read({ spec: file, format: 'parquet', files: [file] })).skipped).toEqual([{ reason: 'unreadable-shard', key: 'broken.parquet', origin: 'broken.parquet' }]);
  });
});
