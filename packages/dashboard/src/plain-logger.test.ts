import { describe, expect, it } from 'vitest';
import { RunEvents } from '@sieve/core';
import type { RunEvent } from '@sieve/core';
import { handMadeEvents } from './testing/hand-made-run';
import { syntheticPoint, syntheticRunEvents } from './testing/synthetic-run';
import { createPlainLogger, pointLine } from './plain-logger';

function logOf(events: RunEvent[], clock?: () => number): string[] {
  const bus = new RunEvents();
  const lines: string[] = [];
  createPlainLogger(bus, (line) => lines.push(line), clock);
  for (const event of events) bus.emit(event);
  return lines;
}

const step = (n: number): RunEvent => ({
  type: 'step',
  step: n,
  totalSteps: 1500,
  loss: 3.2149,
  stepsPerSecond: 12.3,
  elapsedSeconds: n / 12.3,
  powerWatts: 4.1,
});

describe('createPlainLogger', () => {
  it('prints the run, points, warnings and a progress line in the documented form', () => {
    const lines = logOf(handMadeEvents(), () => 0);
    expect(lines[0]).toBe(
      'start run=hand-made task=fashion-captions kind=contrastive selector=jest backend=wasm steps=1500 batch=128 superbatch=640 energy=nvml(measured)',
    );
    expect(lines).toContain(
      'point step=600 score=0.412 zs=0.610 attr=0.214 loss=2.500 flops=0.0e0 J=12345.0 dJ=812.3 clean=0.52 duplicate=0.12 mismatched=0.20 junk=0.16 energy=measured',
    );
    expect(lines).toContain('warning: energy: nvidia-smi stopped answering; using nvml only');
    // (1500 - 620) / 12.4 = 71 s.
    expect(lines.at(-1)).toBe('step 620/1500 loss 2.345 12.4 steps/s eta 1m11s 41.5 W');
  });

  it('prints a progress line at most every 5 seconds of the clock', () => {
    let nowMs = 0;
    const events: RunEvent[] = [];
    const times: number[] = [];
    for (let n = 1; n <= 30; n++) {
      events.push(step(n));
      times.push(n * 1000);
    }
    const bus = new RunEvents();
    const lines: string[] = [];
    createPlainLogger(bus, (line) => lines.push(line), () => nowMs);
    events.forEach((event, i) => {
      nowMs = times[i];
      bus.emit(event);
    });
    // Printed at 1 s, then 6 s, 11 s, 16 s, 21 s, 26 s.
    expect(lines.map((line) => line.split(' ')[1])).toEqual(['1/1500', '6/1500', '11/1500', '16/1500', '21/1500', '26/1500']);
    expect(lines[0]).toBe('step 1/1500 loss 3.215 12.3 steps/s eta 2m02s 4.10 W');
  });

  it('prints phase ends, logs as they are and the final summary', () => {
    const events = syntheticRunEvents({ totalSteps: 100, evalEvery: 50, powerWatts: null });
    const lines = logOf(events, () => 0);
    expect(lines[0]).toMatch(/ energy=none$/);
    expect(lines).toContain('phase reference-training done in 20.0 s');
    expect(lines).toContain('reference model: trained, cached as ref-9f3c2a');
    expect(lines.filter((line) => line.startsWith('point '))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('step '))).toHaveLength(1);
    const end = events.at(-1);
    if (end?.type !== 'run-end') throw new Error('expected run-end');
    const best = end.summary.bestScore!.toFixed(3);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^end status=completed steps=100 wall=\\d+\\.\\ds steps/s=12\\.00 best=${best} best_step=\\d+ final=0\\.\\d{3} flops=\\d\\.\\de12 J=na$`),
    );
  });

  it('writes test accuracy for classification points and na for missing joules', () => {
    const line = pointLine(
      syntheticPoint({ step: 50, score: 0.83, testAccuracy: 0.83, zeroShotAccuracy: null, attributeZeroShotAccuracy: null, flopsTotal: 1.23e12 }),
    );
    expect(line).toMatch(/^point step=50 score=0\.830 acc=0\.830 loss=3\.000 flops=1\.2e12 J=na dJ=na clean=0\.40/);
  });

  it('stops writing once unsubscribed', () => {
    const bus = new RunEvents();
    const lines: string[] = [];
    const unsubscribe = createPlainLogger(bus, (line) => lines.push(line));
    bus.emit({ type: 'log', message: 'one' });
    unsubscribe();
    bus.emit({ type: 'log', message: 'two' });
    expect(lines).toEqual(['one']);
  });
});
