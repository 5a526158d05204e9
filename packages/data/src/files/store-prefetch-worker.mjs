// The read-ahead thread of a store (see store-prefetch.ts): it waits for a request in shared
// memory, reads the requested rows' pixels and tokens with positioned reads, in file order, into
// the shared slots, and marks the request done. Plain JavaScript, so that it starts under any
// loader (tsx, vitest, plain node).
import { openSync, readSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const { pixelsFile, tokensFile, pixels, maxTokens, control, rows, pixelSlots, tokenSlots } = workerData;
const state = new Int32Array(control);
const requested = new Int32Array(rows);
const pixelBytes = new Uint8Array(pixelSlots);
const tokenBytes = new Uint8Array(tokenSlots);
const pixelsFd = openSync(pixelsFile, 'r');
const tokensFd = openSync(tokensFile, 'r');
const REQUESTED = 1;
const DONE = 2;

for (;;) {
  Atomics.wait(state, 0, DONE);
  if (Atomics.load(state, 0) !== REQUESTED) continue;
  const count = Atomics.load(state, 1);
  const order = Array.from({ length: count }, (_, slot) => slot).sort((a, b) => requested[a] - requested[b]);
  try {
    for (const slot of order) {
      const row = requested[slot];
      const read = readSync(pixelsFd, pixelBytes, slot * pixels, pixels, row * pixels) + readSync(tokensFd, tokenBytes, slot * maxTokens * 4, maxTokens * 4, row * maxTokens * 4);
      if (read !== pixels + maxTokens * 4) throw new Error(`row ${row} is cut short`);
    }
  } catch {
    // The main thread then reads these rows itself, and reports what is wrong.
    Atomics.store(state, 1, -1);
  }
  Atomics.store(state, 0, DONE);
  Atomics.notify(state, 0);
}
