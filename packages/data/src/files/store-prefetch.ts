/**
 * Read-ahead for a store: the rows of the next step's candidates are read on a worker thread
 * (the second core, idle while the wasm backend trains on one) into shared memory, so that the
 * step itself copies them from memory instead of waiting on the disk. A read of rows that were
 * not requested, or before the request is done, waits or falls back to reading them directly.
 */
import { Worker } from 'node:worker_threads';

const REQUESTED = 1;
const DONE = 2;

export class StorePrefetch {
  private readonly state: Int32Array;
  private readonly requested: Int32Array;
  private readonly pixelSlots: Uint8Array;
  private readonly tokenSlots: Int32Array;
  private readonly worker: Worker;
  /** Store row -> slot of the current request. */
  private slots = new Map<number, number>();

  constructor(
    pixelsFile: string,
    tokensFile: string,
    private readonly pixels: number,
    private readonly maxTokens: number,
    readonly capacity: number,
  ) {
    const control = new SharedArrayBuffer(8);
    const rows = new SharedArrayBuffer(capacity * 4);
    const pixelSlots = new SharedArrayBuffer(capacity * pixels);
    const tokenSlots = new SharedArrayBuffer(capacity * maxTokens * 4);
    this.state = new Int32Array(control);
    this.state[0] = DONE;
    this.requested = new Int32Array(rows);
    this.pixelSlots = new Uint8Array(pixelSlots);
    this.tokenSlots = new Int32Array(tokenSlots);
    this.worker = new Worker(new URL('./store-prefetch-worker.mjs', import.meta.url), {
      workerData: { pixelsFile, tokensFile, pixels, maxTokens, control, rows, pixelSlots, tokenSlots },
    });
    // The thread never keeps a finished run's process alive.
    this.worker.unref();
  }

  /** Starts reading `storeRows` (at most `capacity`); the previous request's rows are dropped. */
  request(storeRows: ArrayLike<number>): void {
    this.waitUntilDone();
    const count = Math.min(storeRows.length, this.capacity);
    this.slots = new Map();
    for (let slot = 0; slot < count; slot++) {
      this.requested[slot] = storeRows[slot];
      this.slots.set(storeRows[slot], slot);
    }
    Atomics.store(this.state, 1, count);
    Atomics.store(this.state, 0, REQUESTED);
    Atomics.notify(this.state, 0);
  }

  /** Copies store row `row` into `images` (scaled to [0, 1]) and `tokens` at `out`, if requested; false when it was not. */
  copy(row: number, out: number, images: Float32Array | null, tokens: Int32Array | null): boolean {
    const slot = this.slots.get(row);
    if (slot === undefined) return false;
    this.waitUntilDone();
    if (Atomics.load(this.state, 1) < 0) return false; // the thread could not read them
    if (images) {
      const from = slot * this.pixels;
      const target = out * this.pixels;
      for (let p = 0; p < this.pixels; p++) images[target + p] = this.pixelSlots[from + p] / 255;
    }
    if (tokens) tokens.set(this.tokenSlots.subarray(slot * this.maxTokens, (slot + 1) * this.maxTokens), out * this.maxTokens);
    return true;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }

  private waitUntilDone(): void {
    while (Atomics.load(this.state, 0) === REQUESTED) Atomics.wait(this.state, 0, REQUESTED);
  }
}
