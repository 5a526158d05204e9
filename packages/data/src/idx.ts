import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gzipSync } from 'node:zlib';
import { UserInputError } from '@sieve/core';

/**
 * The IDX format of MNIST and its relatives: a big-endian header (two zero bytes, a type
 * byte, the number of dimensions, then each dimension as a uint32) followed by the values.
 * Only unsigned bytes (type 0x08) are read. Files starting with the gzip magic 1f 8b are
 * decompressed first, so `train-images-idx3-ubyte.gz` can be given as it is downloaded.
 */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count x rows x cols, row-major. */
  pixels: Uint8Array;
}

const gunzipAsync = promisify(gunzip);

/** @param field what to name in errors (a config field such as `data.images`); the path by default */
export async function readIdxImages(path: string, field = path): Promise<IdxImages> {
  const { dimensions, values } = parseIdx(await readIdxBytes(path, field), IDX_IMAGES_MAGIC, path, field);
  const [count, rows, cols] = dimensions;
  return { count, rows, cols, pixels: values };
}

/** @param field what to name in errors (a config field such as `data.labels`); the path by default */
export async function readIdxLabels(path: string, field = path): Promise<Int32Array> {
  const { values } = parseIdx(await readIdxBytes(path, field), IDX_LABELS_MAGIC, path, field);
  return Int32Array.from(values);
}

/** An IDX image file's bytes; gzip-compressed when `gzip` is set. */
export function encodeIdxImages(images: IdxImages, gzip = false): Buffer {
  return encodeIdx(IDX_IMAGES_MAGIC, [images.count, images.rows, images.cols], images.pixels, gzip);
}

/** An IDX label file's bytes (labels 0..255); gzip-compressed when `gzip` is set. */
export function encodeIdxLabels(labels: ArrayLike<number>, gzip = false): Buffer {
  return encodeIdx(IDX_LABELS_MAGIC, [labels.length], Uint8Array.from(labels), gzip);
}

function encodeIdx(magic: number, dimensions: number[], values: Uint8Array, gzip: boolean): Buffer {
  const header = Buffer.alloc(4 + 4 * dimensions.length);
  header.writeUInt32BE(magic, 0);
  dimensions.forEach((size, d) => header.writeUInt32BE(size, 4 + 4 * d));
  const bytes = Buffer.concat([header, values]);
  return gzip ? gzipSync(bytes) : bytes;
}

async function readIdxBytes(path: string, field: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserInputError(field, `${path} does not exist: give the path of an IDX file`);
    throw new UserInputError(field, `cannot read ${path} (${(error as Error).message})`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (error) {
      throw new UserInputError(
        field,
        `${path} looks gzip-compressed but does not decompress (${(error as Error).message}): download it again`,
      );
    }
  }
  return bytes;
}

function parseIdx(
  bytes: Buffer,
  expectedMagic: number,
  path: string,
  field: string,
): { dimensions: number[]; values: Uint8Array } {
  const kind = expectedMagic === IDX_IMAGES_MAGIC ? 'image' : 'label';
  if (bytes.length < 4) throw new UserInputError(field, `${path} is truncated: ${bytes.length} bytes, too short for an IDX header`);
  const magic = bytes.readUInt32BE(0);
  if (magic !== expectedMagic) {
    const swapped =
      magic === IDX_LABELS_MAGIC
        ? ' It is an IDX label file: are data.images and data.labels swapped?'
        : magic === IDX_IMAGES_MAGIC
          ? ' It is an IDX image file: are data.images and data.labels swapped?'
          : '';
    throw new UserInputError(
      field,
      `${path} is not an IDX ${kind} file: magic number ${hex(magic)}, expected ${hex(expectedMagic)} (unsigned bytes, ${expectedMagic & 0xff} dimension(s)).${swapped}`,
    );
  }
  const dimensionCount = expectedMagic & 0xff;
  const headerBytes = 4 + 4 * dimensionCount;
  if (bytes.length < headerBytes)
    throw new UserInputError(field, `${path} is truncated: ${bytes.length} bytes, shorter than its ${headerBytes}-byte header`);
  const dimensions = Array.from({ length: dimensionCount }, (_, d) => bytes.readUInt32BE(4 + 4 * d));
  const valueCount = dimensions.reduce((product, size) => product * size, 1);
  const dataBytes = bytes.length - headerBytes;
  if (dataBytes < valueCount)
    throw new UserInputError(
      field,
      `${path} is truncated: its header (${dimensions.join(' x ')}) promises ${valueCount} bytes of data, the file has ${dataBytes}; download it again`,
    );
  if (dataBytes > valueCount)
    throw new UserInputError(
      field,
      `${path} has ${dataBytes - valueCount} bytes more than its header (${dimensions.join(' x ')}) describes; is it an IDX ${kind} file?`,
    );
  return { dimensions, values: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, valueCount).slice() };
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
