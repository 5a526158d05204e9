import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '@sieve/core';
import { describe, expect, it } from 'vitest';
import { readSource } from './read-source';
import { resolveSource } from './resolve-source';
import { drain, png, tempFolder } from '../../testing';
import type { ColumnOptions } from './types';

async function readListFile(file: string, options: ColumnOptions = {}) {
  return drain(readSource(await resolveSource(file, 'data.source'), options, 'data.source'));
}

/** A folder with images/a.png and images/b.png (different bytes) and an absolute-path image elsewhere. */
async function imagesFolder(): Promise<{ root: string; a: Buffer; b: Buffer; elsewhere: string }> {
  const root = tempFolder();
  mkdirSync(join(root, 'images'));
  const [a, b] = [await png('#f00'), await png('#00f')];
  writeFileSync(join(root, 'images', 'a.png'), a);
  writeFileSync(join(root, 'images', 'b.png'), b);
  const elsewhere = join(tempFolder(), 'c.png');
  writeFileSync(elsewhere, b);
  return { root, a, b, elsewhere };
}

describe('CSV and TSV lists', () => {
  it('reads quoted captions with commas and newlines, numeric metadata, absolute paths and a BOM', async () => {
    const { root, a, b, elsewhere } = await imagesFolder();
    const csv = '\uFEFFfilepath,title,score,id\n' +
      'images/a.png,"A red square, seen\nfrom above ",0.75,007\n' +
      `images/b.png,plain,,x1\n` +
      `${elsewhere},"say ""blue""",1e2,3\n`;
    writeFileSync(join(root, 'list.csv'), csv);
    const { samples, skipped } = await readListFile(join(root, 'list.csv'));
    expect(skipped).toEqual([]);
    expect(samples.map(({ key, caption, meta, origin }) => ({ key, caption, meta, origin }))).toEqual([
      { key: 'images/a.png', caption: 'A red square, seen\nfrom above', meta: { score: 0.75, id: '007' }, origin: 'list.csv line 2' },
      { key: 'images/b.png', caption: 'plain', meta: { score: '', id: 'x1' }, origin: 'list.csv line 4' },
      { key: elsewhere, caption: 'say "blue"', meta: { score: 100, id: 3 }, origin: 'list.csv line 5' },
    ]);
    expect(Buffer.from(samples[0].image).equals(a)).toBe(true);
    expect(Buffer.from(samples[1].image).equals(b)).toBe(true);
  });

  it('skips rows with a missing file, a wrong cell count or a broken quote', async () => {
    const { root } = await imagesFolder();
    const csv = 'image,caption\nimages/a.png,ok\nimages/none.png,gone\nimages/b.png,too,many\n"images/b.png"x,bad\n,no path\nimages/b.png,\n';
    writeFileSync(join(root, 'list.csv'), csv);
    const { samples, skipped, order } = await readListFile(join(root, 'list.csv'));
    expect(order).toEqual(['images/a.png', 'missing-file:images/none.png', 'bad-row:list.csv line 4', 'bad-row:list.csv line 5', 'bad-row:list.csv line 6', 'images/b.png']);
    expect(skipped[0]).toEqual({ reason: 'missing-file', key: 'images/none.png', origin: 'list.csv line 3' });
    expect(samples[1].caption).toBe('');
  });

  it('reads a TSV with the column flags', async () => {
    const { root } = await imagesFolder();
    writeFileSync(join(root, 'pairs.tsv'), 'url\tpic\tdesc\nhttp://x\timages/b.png\tblue, "quoted" square\n');
    const { samples } = await readListFile(join(root, 'pairs.tsv'), { imageColumn: 'pic', captionColumn: 'desc' });
    expect(samples.map(({ key, caption, meta, origin }) => ({ key, caption, meta, origin }))).toEqual([
      { key: 'images/b.png', caption: 'blue, "quoted" square', meta: { url: 'http://x' }, origin: 'pairs.tsv line 2' },
    ]);
  });

  it('refuses a list with no usable columns, naming the file, the columns found and the flags', async () => {
    const { root } = await imagesFolder();
    const file = join(root, 'list.csv');
    writeFileSync(file, 'url,alt\nimages/a.png,red\n');
    const source = await resolveSource(file, 'data.source');
    const error = await drain(readSource(source, {}, 'data.source')).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    const { problem } = error as UserInputError;
    expect(problem).toContain(file);
    expect(problem).toContain('columns found: url, alt');
    expect(problem).toContain('--image-column');
    expect(problem).toContain('--caption-column');
    const wrongFlag = await drain(readSource(source, { imageColumn: 'url', captionColumn: 'caption' }, 'data.source')).then(() => null, (e: unknown) => e);
    expect((wrongFlag as UserInputError).problem).toMatch(/has no caption column 'caption' \(given by --caption-column\).*columns found: url, alt/);
    writeFileSync(file, '');
    await expect(drain(readSource(source, {}, 'data.source'))).rejects.toThrow('header row');
  });
});

describe('JSONL lists and imagefolders', () => {
  it('reads JSONL rows, skipping invalid lines, non-objects and absent captions', async () => {
    const { root } = await imagesFolder();
    const lines = [
      '{"image": "images/a.png", "text": " red ", "score": 0.5, "tags": ["x"]}',
      '{"image": "images/b.png", "text": "blue"',
      '',
      '[1, 2]',
      '{"image": "images/b.png", "text": null}',
      '{"image": "images/b.png", "text": "blue", "score": 2}',
    ];
    writeFileSync(join(root, 'pairs.jsonl'), '\uFEFF' + lines.join('\r\n') + '\n');
    const { samples, order, skipped } = await readListFile(join(root, 'pairs.jsonl'));
    expect(order).toEqual(['images/a.png', 'bad-row:pairs.jsonl line 2', 'bad-row:pairs.jsonl line 4', 'missing-caption:images/b.png', 'images/b.png']);
    expect(samples.map(({ caption, meta, origin }) => ({ caption, meta, origin }))).toEqual([
      { caption: 'red', meta: { score: 0.5, tags: ['x'] }, origin: 'pairs.jsonl line 1' },
      { caption: 'blue', meta: { score: 2 }, origin: 'pairs.jsonl line 6' },
    ]);
    expect(skipped[2].origin).toBe('pairs.jsonl line 5');
  });

  it('reads a Hugging Face imagefolder through its metadata.jsonl', async () => {
    const { root, a } = await imagesFolder();
    writeFileSync(join(root, 'metadata.jsonl'), '{"file_name": "images/a.png", "caption": "red", "label": 3}\n{"file_name": "images/zzz.png", "caption": "gone"}\n');
    const source = await resolveSource(root, 'data.source');
    expect(source.files).toEqual([join(root, 'metadata.jsonl')]);
    const { samples, order } = await drain(readSource(source, {}, 'data.source'));
    expect(order).toEqual(['images/a.png', 'missing-file:images/zzz.png']);
    expect(samples[0]).toEqual({ key: 'images/a.png', image: a, caption: 'red', meta: { label: 3 }, origin: 'metadata.jsonl line 1' });
  });
});
