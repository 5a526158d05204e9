/**
 * StoreRows reads the same pixels and tokens whether rows come from the read-ahead thread or from
 * direct reads, for rows that were named in advance, rows that were not, and repeated requests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@sieve/core';
import { removeTempDirs, tempDir } from '@sieve/core/testing';
import { StoreRows } from './store-rows';

afterAll(removeTempDirs);

/** A store of 500 rows of 12 pixels and 3 tokens whose values are a function of the row. */
function writeStore(): { dir: string; tokens: string } {
  const dir = tempDir('sieve-rows-');
  const pixels = Buffer.alloc(500 * 12);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + Math.floor(i / 12)) % 256;
  writeFileSync(join(dir, 'pixels.u8'), pixels);
  const tokens = Int32Array.from({ length: 500 * 3 }, (_, i) => (i * 13) % 97);
  writeFileSync(join(dir, 'tokens.i32'), Buffer.from(tokens.buffer));
  return { dir, tokens: join(dir, 'tokens.i32') };
}

describe('StoreRows', () => {
  it('gives the same rows with and without read-ahead, for rows named in advance and others', () => {
    const { dir, tokens } = writeStore();
    // Pool rows map onto store rows in reverse, as a pool with held-out rows maps onto its store.
    const rowMap = Int32Array.from({ length: 400 }, (_, i) => 499 - i);
    const direct = new StoreRows(dir, tokens, 12, 3, rowMap);
    const ahead = new StoreRows(dir, tokens, 12, 3, rowMap);
    const rng = new Rng(3);
    try {
      for (let step = 0; step < 20; step++) {
        const candidates = rng.sampleWithoutReplacement(400, 64);
        ahead.prefetch(candidates);
        // Half the rows read were named in advance, half were not; one is asked for twice.
        const asked = Int32Array.from([...candidates.slice(0, 16), ...rng.sampleWithoutReplacement(400, 16), candidates[0]]);
        const expected = { images: new Float32Array(asked.length * 12), tokens: new Int32Array(asked.length * 3) };
        const actual = { images: new Float32Array(asked.length * 12), tokens: new Int32Array(asked.length * 3) };
        direct.read(asked, expected.images, expected.tokens);
        ahead.read(asked, actual.images, actual.tokens);
        expect(actual.images).toEqual(expected.images);
        expect(actual.tokens).toEqual(expected.tokens);
      }
      // 17 of each step's 33 rows were named in advance (16 and the repeat), unless the random half repeats some.
      expect(ahead.rowsReadAhead).toBeGreaterThanOrEqual(20 * 17);
      expect(direct.rowsReadAhead).toBe(0);
      // A known row by hand: pool row 0 is store row 499, whose first pixel is (499 * 12 * 7 + 499) % 256.
      const one = new Float32Array(12);
      ahead.prefetch([0, 1]);
      ahead.read([0], one, null);
      expect(one[0]).toBeCloseTo(((499 * 12 * 7 + 499) % 256) / 255, 6);
    } finally {
      direct.close();
      ahead.close();
    }
  });
});
