import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSource } from './read-source';
import { drain, jpeg, png, tempFolder, writeTar } from '../../testing';
import { readShard, splitMemberName } from './webdataset';

/** Byte offset of member `index`'s data in a tar written by writeTar (512-byte header, data padded to 512). */
function dataOffset(sizes: number[], index: number): number {
  let offset = 0;
  for (let i = 0; i < index; i++) offset += 512 + Math.ceil(sizes[i] / 512) * 512;
  return offset + 512;
}

describe('splitMemberName', () => {
  it('keys on the path up to the first dot of the file name', () => {
    expect(splitMemberName('a/b.c/KEY.seg.PNG')).toEqual({ key: 'a/b.c/KEY', extension: 'seg.png' });
    expect(splitMemberName('00001.jpg')).toEqual({ key: '00001', extension: 'jpg' });
    expect(splitMemberName('README')).toBeNull();
    expect(splitMemberName('dir/.hidden')).toBeNull();
  });
});

describe('readShard', () => {
  it('groups consecutive members into samples and skips incomplete ones with the right reason', async () => {
    const folder = tempFolder();
    const file = join(folder, '00000.tar');
    const [red, blue, green] = [await jpeg('#f00'), await png('#00f'), await png('#0f0')];
    await writeTar(file, [
      ['a.jpg', red], ['a.txt', '  a red square \n'], ['a.json', '{"width": 4, "source": "x"}'],
      ['dir/b.png', blue], ['dir/b.txt', 'blue'], ['dir/b.cls', '3'],
      ['c.jpg', red],
      ['d.txt', 'an orphan caption'],
      ['e.cls', '1'], ['e.json', '{}'],
      ['f.png', green], ['f.txt', 'f'], ['f.json', '{not json'],
      ['h.png', green], ['h.txt', 'h'], ['h.json', '[1, 2]'],
      ['G.JPEG', red], ['G.txt', ''],
      ['a.png', green], ['a.txt', 'again'],
    ]);
    const { samples, skipped, order } = await drain(readShard(file, 'shards/00000.tar'));
    expect(order).toEqual(['a', 'dir/b', 'missing-caption:c', 'missing-image:d', 'missing-image:e', 'bad-metadata:f', 'bad-metadata:h', 'G', 'a']);
    expect(samples.map((s) => [s.caption, s.meta])).toEqual([
      ['a red square', { width: 4, source: 'x' }], ['blue', {}], ['', {}], ['again', {}],
    ]);
    expect(Buffer.from(samples[0].image).equals(red)).toBe(true);
    expect(Buffer.from(samples[1].image).equals(blue)).toBe(true);
    expect(Buffer.from(samples[3].image).equals(green)).toBe(true);
    expect(new Set([...samples, ...skipped].map((s) => s.origin))).toEqual(new Set(['shards/00000.tar']));
  });

  it('yields the samples before a cut mid-member, then one truncated-tar skip', async () => {
    const folder = tempFolder();
    const image = await png('#f00');
    const members: Array<[string, Uint8Array | string]> = [['a.png', image], ['a.txt', 'a'], ['b.png', image], ['b.txt', 'b'.repeat(100)], ['c.png', image], ['c.txt', 'c']];
    const whole = join(folder, 'whole.tar');
    await writeTar(whole, members);
    const bytes = readFileSync(whole);
    const sizes = members.map(([, content]) => Buffer.from(content).length);

    const cutInNewSample = join(folder, 'cut1.tar');
    writeFileSync(cutInNewSample, bytes.subarray(0, dataOffset(sizes, 4) + Math.floor(image.length / 2)));
    expect((await drain(readShard(cutInNewSample, 's/cut1.tar'))).order).toEqual(['a', 'b', 'truncated-tar:cut1.tar']);

    // b's caption member is cut: b is lost with the rest of the shard.
    const cutInSample = join(folder, 'cut2.tar');
    writeFileSync(cutInSample, bytes.subarray(0, dataOffset(sizes, 3) + 50));
    const { order, skipped } = await drain(readShard(cutInSample, 's/cut2.tar'));
    expect(order).toEqual(['a', 'truncated-tar:cut2.tar']);
    expect(skipped).toEqual([{ reason: 'truncated-tar', key: 'cut2.tar', origin: 's/cut2.tar' }]);

    const cutInHeader = join(folder, 'cut3.tar');
    writeFileSync(cutInHeader, bytes.subarray(0, dataOffset(sizes, 2) - 300));
    expect((await drain(readShard(cutInHeader, 's/cut3.tar'))).order).toEqual(['a', 'truncated-tar:cut3.tar']);
  });

  it('counts a corrupted header as truncated-tar', async () => {
    const folder = tempFolder();
    const image = await png('#f00');
    const file = join(folder, 'bad.tar');
    await writeTar(file, [['a.png', image], ['a.txt', 'a'], ['b.png', image], ['b.txt', 'b']]);
    const bytes = readFileSync(file);
    const header = dataOffset([image.length, 1], 2) - 512;
    bytes.fill(0x41, header, header + 100);
    writeFileSync(file, bytes);
    expect((await drain(readShard(file, 's/bad.tar'))).order).toEqual(['a', 'truncated-tar:bad.tar']);
  });

  it('gives one unreadable-shard skip for a directory named .tar or a vanished shard', async () => {
    const folder = tempFolder();
    mkdirSync(join(folder, 'x.tar'));
    expect((await drain(readShard(join(folder, 'x.tar'), 's/x.tar'))).skipped).toEqual([{ reason: 'unreadable-shard', key: 'x.tar', origin: 's/x.tar' }]);
    expect((await drain(readShard(join(folder, 'gone.tar'), 's/gone.tar'))).order).toEqual(['unreadable-shard:gone.tar']);
  });
});

describe('readSource over shards', () => {
  it('reads the shards in the order given, naming each by folder and file', async () => {
    const folder = join(tempFolder(), 'shards');
    mkdirSync(folder);
    const image = await png('#fff');
    await writeTar(join(folder, '00000.tar'), [['k1.png', image], ['k1.txt', 'one']]);
    await writeTar(join(folder, '00001.tar'), [['k2.png', image], ['k2.txt', 'two'], ['k1.png', image], ['k1.txt', 'one again']]);
    mkdirSync(join(folder, '00002.tar'));
    const files = ['00000.tar', '00001.tar', '00002.tar'].map((name) => join(folder, name));
    const { samples, order } = await drain(readSource({ spec: folder, format: 'webdataset', files }, {}, 'data.source'));
    expect(order).toEqual(['k1', 'k2', 'k1', 'unreadable-shard:00002.tar']);
    expect(samples.map((s) => `${s.origin} ${s.caption}`)).toEqual(['shards/00000.tar one', 'shards/00001.tar two', 'shards/00001.tar one again']);
    expect(basename(folder)).toBe('shards');
  });
});
