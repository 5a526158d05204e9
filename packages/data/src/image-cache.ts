import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import writeFileAtomic from 'write-file-atomic';
import type { LabelledImages } from './types';

/**
 * A binary cache of decoded images, so that a second load reads 55 MB instead of parsing
 * 150 MB of JSON. Layout, little-endian:
 *
 *   0  'SIEVEIMG'          magic, 8 bytes
 *   8  u32 format version
 *  12  u32 image count
 *  16  u32 side (images are side x side)
 *  20  u32 dropped source entries
 *  24  u32 CRC-32 of everything after the key
 *  28  u32 key length in bytes, then the key (UTF-8): what the images were decoded from
 *      then count labels (u8), then count x side x side pixels (u8)
 */
export const IMAGE_CACHE_MAGIC = 'SIEVEIMG';
export const IMAGE_CACHE_VERSION = 1;
const FIXED_HEADER_BYTES = 32;

export type ImageCacheRead = { images: LabelledImages } | { problem: string; missing: boolean };

/**
 * Reads a cache written by `writeImageCache` with the same `sourceKey`; anything else
 * (missing, another format, other source files, wrong size, bad checksum) is a problem.
 */
export async function readImageCache(file: string, sourceKey: string): Promise<ImageCacheRead> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    return { missing, problem: missing ? 'no cache yet' : `unreadable (${(error as Error).message})` };
  }
  const bad = (problem: string): ImageCacheRead => ({ missing: false, problem });
  if (bytes.length < FIXED_HEADER_BYTES || bytes.toString('latin1', 0, 8) !== IMAGE_CACHE_MAGIC)
    return bad('not a Sieve image cache');
  const version = bytes.readUInt32LE(8);
  if (version !== IMAGE_CACHE_VERSION) return bad(`format version ${version}, expected ${IMAGE_CACHE_VERSION}`);
  const count = bytes.readUInt32LE(12);
  const side = bytes.readUInt32LE(16);
  const droppedEntries = bytes.readUInt32LE(20);
  const checksum = bytes.readUInt32LE(24);
  const keyBytes = bytes.readUInt32LE(28);
  const payloadStart = FIXED_HEADER_BYTES + keyBytes;
  if (payloadStart > bytes.length) return bad(`truncated: ${bytes.length} bytes`);
  if (bytes.toString('utf8', FIXED_HEADER_BYTES, payloadStart) !== sourceKey) return bad('made from other source files');
  const expectedBytes = payloadStart + count + count * side * side;
  if (bytes.length !== expectedBytes) return bad(`${bytes.length} bytes, expected ${expectedBytes}`);
  const payload = bytes.subarray(payloadStart);
  if (crc32(payload) !== checksum) return bad('checksum mismatch');
  return {
    images: {
      count,
      side,
      labels: Int32Array.from(payload.subarray(0, count)),
      pixels: new Uint8Array(payload.buffer, payload.byteOffset + count, count * side * side),
      droppedEntries,
    },
  };
}

/**
 * Writes the cache atomically (a temporary file in the same folder, flushed, then renamed
 * over `file`): a reader sees the old cache or the new one, never half of one, even if the
 * process dies mid-write.
 */
export async function writeImageCache(file: string, images: LabelledImages, sourceKey: string): Promise<void> {
  if (images.labels.some((label) => label < 0 || label > 255)) throw new RangeError('the image cache stores labels 0..255');
  const key = Buffer.from(sourceKey, 'utf8');
  const payload = Buffer.alloc(images.count + images.pixels.length);
  payload.set(images.labels, 0);
  payload.set(images.pixels, images.count);
  const header = Buffer.alloc(FIXED_HEADER_BYTES);
  header.write(IMAGE_CACHE_MAGIC, 0, 'latin1');
  header.writeUInt32LE(IMAGE_CACHE_VERSION, 8);
  header.writeUInt32LE(images.count, 12);
  header.writeUInt32LE(images.side, 16);
  header.writeUInt32LE(images.droppedEntries, 20);
  header.writeUInt32LE(crc32(payload), 24);
  header.writeUInt32LE(key.length, 28);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, Buffer.concat([header, key, payload]));
}
