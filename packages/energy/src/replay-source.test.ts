import { describe, expect, it } from 'vitest';
import { Meter } from './meter';
import { parseReplayText } from './replay-file';
import { ReplaySource } from './replay-source';

describe('ReplaySource', () => {
  it('plays the recording from the meter start, exactly, and labels it not measured', async () => {
    // gpu0: 100 W at 0 s, 300 W at 1 s, 300 W at 2 s.
    const samples = parseReplayText('seconds,device,watts\n0,gpu0,100\n1,gpu0,300\n2,gpu0,300\n', 'trace.csv');
    let now = 50;
    const meter = new Meter([new ReplaySource('trace.csv', samples)], { sampleIntervalMs: 60_000, clock: () => now });
    await meter.start();
    now = 50.5;
    meter.beginWindow('w');
    now = 51.5;
    expect(meter.powerWatts()).toBe(300);
    const w = meter.endWindow('w');
    // 0.5-1 s: 200 -> 300 W, 0.5 * 250 = 125 J; 1-1.5 s: 150 J.
    expect(w).toEqual({ name: 'w', seconds: 1, joules: 275, joulesByDevice: { gpu0: 275 }, joulesBySource: { replay: 275 }, measured: false, coverage: 1 });
    meter.beginWindow('past the end');
    now = 53;
    // Only 1.5-2 s is recorded: 150 J over a third of the window.
    expect(meter.endWindow('past the end')).toMatchObject({ joules: 150, coverage: 0.5 / 1.5 });
    expect(meter.sources()[0].detail).toBe("replays 3 samples of gpu0 over 2.0 s from trace.csv (a recording, not this machine's sensors)");
    await meter.stop();
  });
});
