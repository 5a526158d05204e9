import { describe, expect, it } from 'vitest';
import { PowerTrace } from './power-trace';
import { TraceChannel } from './trace-channel';

describe('TraceChannel', () => {
  it('revises a boundary with samples that arrived after it', () => {
    const trace = new PowerTrace({ maxGapSeconds: 2, holdSeconds: 0.5 });
    const channel = new TraceChannel('gpu0', 'nvidia-smi', true, trace, 0);
    trace.add(0, 100);
    trace.add(1, 100);
    // At 1.2 s only the 1 s sample is known: 100 W held, 100 + 20 J.
    const mark = channel.mark(1.2);
    expect(mark.joules).toBeCloseTo(120, 12);
    trace.add(1.4, 300);
    // Now 1-1.4 s is a ramp 100 -> 300 W; at 1.2 s it is 200 W: 0.2 * (100 + 200) / 2 = 30 J.
    expect(channel.revise(mark)).toEqual({ timeSeconds: 1.2, joules: 130, coveredSeconds: 1.2 });
  });

  it('stops at the moment it was frozen', () => {
    const trace = new PowerTrace({ maxGapSeconds: 10, holdSeconds: 10 });
    const channel = new TraceChannel('gpu0', 'replay', false, trace, 0);
    trace.add(0, 10);
    trace.add(100, 10);
    channel.freeze(5);
    expect(channel.mark(50)).toEqual({ timeSeconds: 50, joules: 50, coveredSeconds: 5 });
    expect(channel.latestWatts(50)).toBeNull();
    expect(channel.latestWatts(4)).toBe(10);
  });
});
