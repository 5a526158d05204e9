/**
 * One encoded image (JPEG, PNG incl. 16-bit, palette and alpha, WebP, GIF's first frame, grayscale
 * or CMYK) to side x side x channels bytes, row-major and channel-interleaved: alpha is composited
 * over white, the colour space converted to sRGB (or to gray for one channel), the image scaled to
 * cover the square and centre-cropped, as open_clip's transforms do. sharp (libvips) does the work;
 * its binaries arrive as npm optional dependencies, so nothing downloads at install.
 */
import { loadSharp } from './load-sharp';

export type DecodeResult = { pixels: Buffer } | { problem: 'not-an-image' | 'undecodable-image'; detail: string };

export async function decodeImage(bytes: Uint8Array, side: number, channels: 1 | 3): Promise<DecodeResult> {
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(bytes, { pages: 1 })
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .resize(side, side, { fit: 'cover', position: 'centre' })
      .toColourspace(channels === 3 ? 'srgb' : 'b-w')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || data.length !== side * side * channels) {
      return { problem: 'undecodable-image', detail: `decoded to ${info.width}x${info.height}x${info.channels}` };
    }
    return { pixels: data };
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0];
    return { problem: /unsupported image format/i.test(detail) ? 'not-an-image' : 'undecodable-image', detail };
  }
}
