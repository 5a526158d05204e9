import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '@sieve/core';
import { describe, expect, it } from 'vitest';
import { sourceFileStats } from './file-stats';
import { resolveSource } from './resolve-source';
import { tempFolder } from '../../testing';

function touch(folder: string, ...names: string[]): void {
  for (const name of names) writeFileSync(join(folder, name), 'x');
}

async function problem(spec: string): Promise<string> {
  const error = await resolveSource(spec, 'data.source').then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserInputError);
  expect((error as UserInputError).field).toBe('data.source');
  return (error as UserInputError).problem;
}

describe('resolveSource', () => {
  it('recognises one tar, a folder of shards (sorted, non-recursive), lists, an imagefolder and parquet', async () => {
    const root = tempFolder();
    const shards = join(root, 'shards');
    mkdirSync(join(shards, 'nested'), { recursive: true });
    touch(shards, '00002.tar', '00000.tar', '00001.TAR', 'notes.txt', '.00003.tar');
    touch(join(shards, 'nested'), '00009.tar');
    touch(root, 'list.csv', 'list.tsv', 'list.jsonl', 'data.parquet');
    mkdirSync(join(root, 'imagefolder'));
    touch(join(root, 'imagefolder'), 'metadata.jsonl', 'a.png');

    expect(await resolveSource(join(shards, '00002.tar'), 'f')).toEqual({ spec: join(shards, '00002.tar'), format: 'webdataset', files: [join(shards, '00002.tar')] });
    expect((await resolveSource(shards, 'f')).files).toEqual(['00000.tar', '00001.TAR', '00002.tar'].map((n) => join(shards, n)));
    for (const name of ['list.csv', 'list.tsv', 'list.jsonl']) expect(await resolveSource(join(root, name), 'f')).toMatchObject({ format: 'list', files: [join(root, name)] });
    expect(await resolveSource(join(root, 'imagefolder'), 'f')).toMatchObject({ format: 'list', files: [join(root, 'imagefolder', 'metadata.jsonl')] });
    expect(await resolveSource(join(root, 'data.parquet'), 'f')).toMatchObject({ format: 'parquet', files: [join(root, 'data.parquet')] });
  });

  it('expands brace ranges and globs into shards sorted by name', async () => {
    const root = tempFolder();
    touch(root, '00000.tar', '00001.tar', '00002.tar', '00010.tar', 'other.csv');
    expect((await resolveSource(join(root, '{00000..00002}.tar'), 'f')).files).toEqual(['00000.tar', '00001.tar', '00002.tar'].map((n) => join(root, n)));
    expect((await resolveSource(join(root, '{00010,00001}.tar'), 'f')).files).toEqual(['00001.tar', '00010.tar'].map((n) => join(root, n)));
    expect(await resolveSource(join(root, '0000?.tar'), 'f')).toMatchObject({ format: 'webdataset', files: ['00000.tar', '00001.tar', '00002.tar'].map((n) => join(root, n)) });
    expect((await resolveSource(join(root, '*.tar'), 'f')).files).toHaveLength(4);
    expect(await resolveSource(join(root, 'oth*.csv'), 'f')).toMatchObject({ format: 'list', files: [join(root, 'other.csv')] });
  });

  it('resolves relative specs against the working directory', async () => {
    const root = tempFolder();
    touch(root, 'list.csv');
    const before = process.cwd();
    process.chdir(root);
    try {
      expect(await resolveSource('list.csv', 'f')).toEqual({ spec: 'list.csv', format: 'list', files: [join(process.cwd(), 'list.csv')] });
    } finally {
      process.chdir(before);
    }
  });

  it('refuses missing paths, empty patterns, empty folders, ambiguous folders and unknown extensions', async () => {
    const root = tempFolder();
    touch(root, '00000.tar', '00001.tar', 'data.zip', 'data.tar.gz');
    expect(await problem(join(root, 'nope.tar'))).toMatch(`${join(root, 'nope.tar')} does not exist`);
    expect(await problem(join(root, '{00000..00003}.tar'))).toMatch(`names ${join(root, '00002.tar')}, which does not exist`);
    expect(await problem(join(root, 'z*.tar'))).toMatch('matches no file');
    expect(await problem(join(root, 'data.zip'))).toMatch(`${join(root, 'data.zip')} has an unknown extension '.zip'`);
    expect(await problem(join(root, 'data.tar.gz'))).toMatch('decompress');
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(await problem(empty)).toMatch(`${empty} holds neither .tar shards nor metadata.csv/metadata.jsonl`);
    touch(root, 'metadata.csv');
    const both = await problem(root);
    expect(both).toMatch('metadata.csv');
    expect(both).toMatch('00000.tar');
    expect(await problem('')).toMatch('no data source');
  });
});

describe('sourceFileStats', () => {
  it('gives size and mtime of every file, -1 for one that went away', async () => {
    const root = tempFolder();
    writeFileSync(join(root, 'a.tar'), 'abc');
    const stats = await sourceFileStats({ spec: root, format: 'webdataset', files: [join(root, 'a.tar'), join(root, 'b.tar')] });
    expect(stats).toEqual([
      { path: join(root, 'a.tar'), size: 3, mtimeMs: expect.any(Number) },
      { path: join(root, 'b.tar'), size: -1, mtimeMs: -1 },
    ]);
    expect(stats[0].mtimeMs).toBeGreaterThan(0);
  });
});
