import { describe, expect, it } from 'vitest';
import { CounterChannel } from './counter-channel';

function channelOver(values: Array<bigint | Error>, range = 1000n) {
  const failures: string[] = [];
  let resets = 0;
  let i = 0;
  const channel = new CounterChannel({
    device: 'cpu-package0',
    source: 'rapl',
    measured: true,
    readRaw: () => {
      const value = values[Math.min(i++, values.length - 1)];
      if (value instanceof Error) throw value;
      return value;
    },
    range,
    joulesOf: (units) => Number(units) / 1e6,
    startSeconds: 10,
    onFailure: (reason) => failures.push(reason),
    onReset: () => resets++,
  });
  return { channel, failures, resets: () => resets };
}

describe('CounterChannel', () => {
  it('counts joules since its start, across a wrap', () => {
    // Start reads 900; then 980 (+80), then 30 (wrap: +50), then 400 (+370): 500 units.
    const { channel } = channelOver([900n, 980n, 30n, 400n]);
    expect(channel.startMark).toEqual({ timeSeconds: 10, joules: 0, coveredSeconds: 0 });
    channel.mark(11);
    channel.mark(12);
    expect(channel.mark(13)).toEqual({ timeSeconds: 13, joules: 500 / 1e6, coveredSeconds: 3 });
  });

  it('counts from zero after a reset and reports it', () => {
    const { channel, resets } = channelOver([900n, 10n], 1n << 64n);
    expect(channel.mark(11).joules).toBe(10 / 1e6);
    expect(resets()).toBe(1);
  });

  it('rides out single read errors, losing no energy', () => {
    const { channel, failures } = channelOver([100n, new Error('EAGAIN'), 300n]);
    // The read at 11 s fails: nothing new, and coverage stays at the start.
    expect(channel.mark(11)).toEqual({ timeSeconds: 11, joules: 0, coveredSeconds: 0 });
    expect(channel.mark(12)).toEqual({ timeSeconds: 12, joules: 200 / 1e6, coveredSeconds: 2 });
    expect(failures).toEqual([]);
  });

  it('fails once after three errors in a row, then repeats its last reading', () => {
    const { channel, failures } = channelOver([100n, 300n, new Error('EIO')]);
    channel.mark(11);
    channel.mark(12);
    channel.mark(13);
    channel.mark(14);
    expect(failures).toEqual(['EIO']);
    expect(channel.failed).toBe(true);
    expect(channel.mark(20)).toEqual({ timeSeconds: 20, joules: 200 / 1e6, coveredSeconds: 1 });
    expect(channel.latestWatts()).toBeNull();
  });

  it('derives power from successive samples', () => {
    // 2,000,000 units (2 J) over 0.5 s = 4 W.
    const { channel } = channelOver([0n, 1_000_000n, 3_000_000n]);
    channel.sample(10.5);
    expect(channel.latestWatts()).toBeNull();
    channel.sample(11);
    expect(channel.latestWatts()).toBeCloseTo(4, 12);
  });

  it('stops reading once frozen', () => {
    let reads = 0;
    const channel = new CounterChannel({
      device: 'cpu',
      source: 'estimate',
      measured: false,
      readRaw: () => BigInt(++reads * 10),
      range: 1n << 64n,
      joulesOf: (units) => Number(units),
      startSeconds: 0,
      onFailure: () => undefined,
    });
    channel.freeze(1);
    const readsAtFreeze = reads;
    expect(channel.mark(5).joules).toBe(10);
    expect(reads).toBe(readsAtFreeze);
  });
});
