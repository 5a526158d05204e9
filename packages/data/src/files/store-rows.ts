/**
 * Random access to a store's rows: each row's pixels and tokens are one positioned read at a fixed
 * offset, so a pool of millions trains with the memory of the rows a step asks for. Rows are read
 * in file order (the requested indices sorted), which lets the operating system's read-ahead and
 * page cache serve neighbours; rows named in advance (`prefetch`) are read on a worker thread.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { PoolRows } from '../types';
import { storeFile } from './store-layout';
import { StorePrefetch } from './store-prefetch';

export class StoreRows implements PoolRows {
  private readonly pixelsFd: number;
  private readonly tokensFd: number;
  private readonly pixelRow: Buffer;
  private readonly tokenRow: Int32Array;
  private readonly tokenBytes: Buffer;
  private readAhead: StorePrefetch | null = null;
  /** Rows served from the read-ahead thread's memory so far (the rest were read directly). */
  rowsReadAhead = 0;

  /**
   * @param rowMap pool index -> store row (a pool may leave rows out for the reference and test splits)
   */
  private readonly pixelsFile: string;

  constructor(
    storeDir: string,
    private readonly tokenFile: string,
    private readonly pixels: number,
    private readonly maxTokens: number,
    private readonly rowMap: Int32Array,
  ) {
    this.pixelsFile = storeFile(storeDir, 'pixels');
    this.pixelsFd = openSync(this.pixelsFile, 'r');
    this.tokensFd = openSync(tokenFile, 'r');
    this.pixelRow = Buffer.alloc(pixels);
    this.tokenRow = new Int32Array(maxTokens);
    this.tokenBytes = Buffer.from(this.tokenRow.buffer);
  }

  get count(): number {
    return this.rowMap.length;
  }

  read(indices: ArrayLike<number>, images: Float32Array | null, tokens: Int32Array | null): void {
    const order = Array.from({ length: indices.length }, (_, i) => i).sort((a, b) => this.rowMap[indices[a]] - this.rowMap[indices[b]]);
    for (const out of order) {
      const row = this.rowMap[indices[out]];
      if (this.readAhead?.copy(row, out, images, tokens)) {
        this.rowsReadAhead++;
        continue;
      }
      if (images) {
        readExactly(this.pixelsFd, this.pixelRow, row * this.pixels);
        const target = out * this.pixels;
        for (let p = 0; p < this.pixels; p++) images[target + p] = this.pixelRow[p] / 255;
      }
      if (tokens) {
        readExactly(this.tokensFd, this.tokenBytes, row * this.maxTokens * 4);
        tokens.set(this.tokenRow, out * this.maxTokens);
      }
    }
  }

  /** Starts reading these pool rows on the read-ahead thread, for the next `read`s to find in memory. */
  prefetch(indices: ArrayLike<number>): void {
    this.readAhead ??= new StorePrefetch(this.pixelsFile, this.tokenFile, this.pixels, this.maxTokens, indices.length);
    this.readAhead.request(Array.from({ length: Math.min(indices.length, this.readAhead.capacity) }, (_, i) => this.rowMap[indices[i]]));
  }

  close(): void {
    closeSync(this.pixelsFd);
    closeSync(this.tokensFd);
    void this.readAhead?.close();
  }
}

function readExactly(fd: number, into: Buffer, position: number): void {
  const read = readSync(fd, into, 0, into.length, position);
  if (read !== into.length) throw new Error(`the store ended at byte ${position + read}; prepare it again (delete its folder)`);
}
