import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image';

const gradient = (width: number, height: number, channels: 1 | 3) => {
  const pixels = Buffer.alloc(width * height * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
  return pixels;
};

describe('decodeImage', () => {
  it('gives back the exact pixels of a gray PNG already at the side', async () => {
    const source = gradient(28, 28, 1);
    const png = await sharp(source, { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
    const result = await decodeImage(png, 28, 1);
    expect('pixels' in result && Buffer.compare(result.pixels, source)).toBe(0);
  });

  it('gives back the exact pixels of an RGB PNG at the side, interleaved', async () => {
    const source = gradient(8, 8, 3);
    const png = await sharp(source, { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer();
    const result = await decodeImage(png, 8, 3);
    expect('pixels' in result && Buffer.compare(result.pixels, source)).toBe(0);
  });

  it('composites alpha over white and turns gray, 16-bit and CMYK images into side x side x 3', async () => {
    const transparent = await sharp({ create: { width: 10, height: 6, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const white = await decodeImage(transparent, 4, 3);
    expect('pixels' in white && [...white.pixels].every((v) => v === 255)).toBe(true);
    const grey16 = await sharp(Buffer.alloc(8 * 8 * 2, 0x80), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('grey16').png().toBuffer();
    const cmyk = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } }).toColourspace('cmyk').jpeg().toBuffer();
    for (const bytes of [grey16, cmyk]) {
      const result = await decodeImage(bytes, 4, 3);
      expect('pixels' in result && result.pixels.length).toBe(4 * 4 * 3);
    }
    const result = await decodeImage(cmyk, 4, 3);
    // #336699 comes back near (51, 102, 153) after the CMYK round trip.
    if (!('pixels' in result)) throw new Error(result.detail);
    expect(Math.abs(result.pixels[0] - 0x33)).toBeLessThan(20);
    expect(Math.abs(result.pixels[2] - 0x99)).toBeLessThan(20);
  });

  it('centre-crops a wide image to the square', async () => {
    // Left third black, middle white, right third black: the crop keeps the middle.
    const width = 30;
    const pixels = Buffer.alloc(width * 10);
    for (let y = 0; y < 10; y++) for (let x = 10; x < 20; x++) pixels[y * width + x] = 255;
    const png = await sharp(pixels, { raw: { width, height: 10, channels: 1 } }).png().toBuffer();
    const result = await decodeImage(png, 10, 1);
    expect('pixels' in result && [...result.pixels].every((v) => v === 255)).toBe(true);
  });

  it('names what is not an image and what is damaged', async () => {
    expect(await decodeImage(Buffer.from('<html>404 not found</html>'), 8, 3)).toMatchObject({ problem: 'not-an-image' });
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    expect(await decodeImage(jpeg.subarray(0, jpeg.length - 200), 8, 3)).toMatchObject({ problem: 'undecodable-image' });
  });
});
