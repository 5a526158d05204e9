import { describe, expect, it } from 'vitest';
import { CounterChannel } from './counter-channel';
import type { DeviceChannel } from './device-channel';
import { Meter } from './meter';
import { PowerTrace } from './power-trace';
import type { DriverContext, EnergySourceDriver, ProbeResult, SourceGroup } from './source-driver';
import { TraceChannel } from './trace-channel';
import { UINT64_RANGE } from './wrapping-counter';

/** A source built from the real channel classes, with a hand-set clock: the meter is what is under test. */
class ScriptedSource implements EnergySourceDriver {
  context: DriverContext | null = null;
  stopped = false;

  constructor(
    readonly name: string,
    readonly group: SourceGroup,
    readonly measured: boolean,
    private readonly channels: (context: DriverContext) => DeviceChannel[],
    private readonly probeResult: ProbeResult = { available: true, devices: [], detail: `${name} works` },
  ) {}

  async probe(): Promise<ProbeResult> {
    return this.probeResult;
  }

  async start(context: DriverContext): Promise<DeviceChannel[]> {
    this.context = context;
    return this.channels(context);
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

class ManualClock {
  seconds = 0;
  readonly now = () => this.seconds;
}

const traceOptions = { maxGapSeconds: 0.5, holdSeconds: 0.5 };

/** gpu0 at 100 W rising to 300 W over 0-2 s and flat after, sampled every 0.1 s up to `until`. */
function rampTrace(until: number): PowerTrace {
  const trace = new PowerTrace(traceOptions);
  for (let k = 0; k * 0.1 <= until + 1e-9; k++) {
    const t = k * 0.1;
    trace.add(t, t < 2 ? 100 + 100 * t : 300);
  }
  return trace;
}

function meterWith(clock: ManualClock, ...sources: EnergySourceDriver[]): Meter {
  return new Meter(sources, { sampleIntervalMs: 60_000, clock: clock.now });
}

describe('Meter windows', () => {
  it('gives seconds and joules per device and source for nested windows', async () => {
    const clock = new ManualClock();
    const gpu = new ScriptedSource('fake-power', 'gpu', true, () => [new TraceChannel('gpu0', 'fake-power', true, rampTrace(10), 0)]);
    const meter = meterWith(clock, gpu);
    await meter.start();

    clock.seconds = 0.5;
    meter.beginWindow('outer');
    clock.seconds = 1;
    meter.beginWindow('inner');
    clock.seconds = 3;
    const inner = meter.endWindow('inner');
    clock.seconds = 4;
    const outer = meter.endWindow('outer');

    // 1-2 s: 200 -> 300 W, (200 + 300) / 2 = 250 J; 2-3 s: 300 J. Inner = 550 J.
    expect(inner.seconds).toBe(2);
    expect(inner.joules).toBeCloseTo(550, 9);
    expect(inner.joulesByDevice).toEqual({ gpu0: inner.joules });
    expect(inner.joulesBySource).toEqual({ 'fake-power': inner.joules });
    expect(inner.coverage).toBeCloseTo(1, 12);
    expect(inner.measured).toBe(true);
    // 0.5-2 s: 150 -> 300 W, 1.5 * 225 = 337.5 J; 2-4 s: 600 J. Outer = 937.5 J.
    expect(outer.seconds).toBe(3.5);
    expect(outer.joules).toBeCloseTo(937.5, 9);
    expect(meter.totalJoulesByDevice().gpu0).toBeCloseTo(100 * 2 + 100 * 2 + 300 * 2, 9); // 0-4 s: 400 + 600 J
    await meter.stop();
  });

  it('reads counters at the boundaries and counts across a wrap', async () => {
    const clock = new ManualClock();
    let raw = 1000n - 200n;
    const counter = new ScriptedSource('fake-counter', 'cpu', true, (context) => [
      new CounterChannel({
        device: 'cpu-package0',
        source: 'fake-counter',
        measured: true,
        readRaw: () => raw,
        range: 1000n,
        joulesOf: (units) => Number(units) / 10,
        startSeconds: context.now(),
        onFailure: (reason) => context.fail(reason),
      }),
    ]);
    const meter = meterWith(clock, counter);
    await meter.start();
    clock.seconds = 1;
    meter.beginWindow('w');
    raw = 50n; // wrapped: 200 units to 1000, then 50 more
    clock.seconds = 2;
    const w = meter.endWindow('w');
    expect(w.joules).toBe(25); // 250 units / 10
    expect(w.coverage).toBe(1);
    await meter.stop();
  });

  it('reports coverage below 1 when the sampler goes quiet, and counts nothing for the silence', async () => {
    const clock = new ManualClock();
    const meter = meterWith(clock, new ScriptedSource('fake-power', 'gpu', true, () => [new TraceChannel('gpu0', 'fake-power', true, rampTrace(2), 0)]));
    await meter.start();
    clock.seconds = 1;
    meter.beginWindow('w');
    clock.seconds = 4;
    const w = meter.endWindow('w');
    // Samples stop at 2 s; 300 W is held for 0.5 s, then 2.5-4 s is uncovered.
    // Covered 1.5 s of 3 s; joules 250 (1-2 s) + 150 (hold).
    expect(w.coverage).toBeCloseTo(0.5, 12);
    expect(w.joules).toBeCloseTo(400, 9);
    await meter.stop();
  });

  it('is estimated when any contributing source is', async () => {
    const clock = new ManualClock();
    const meter = meterWith(
      clock,
      new ScriptedSource('fake-power', 'gpu', true, () => [new TraceChannel('gpu0', 'fake-power', true, rampTrace(10), 0)]),
      new ScriptedSource('guess', 'cpu', false, () => [new TraceChannel('cpu', 'guess', false, rampTrace(10), 0)]),
    );
    await meter.start();
    clock.seconds = 1;
    meter.beginWindow('w');
    clock.seconds = 2;
    const w = meter.endWindow('w');
    expect(w.measured).toBe(false);
    expect(Object.keys(w.joulesBySource).sort()).toEqual(['fake-power', 'guess']);
    expect(w.joules).toBeCloseTo(2 * 250, 9);
    expect(meter.powerWatts()).toBeCloseTo(600, 9); // 300 W each at 2 s
    expect(meter.sourcesInUse()).toEqual([
      { name: 'fake-power', measured: true },
      { name: 'guess', measured: false },
    ]);
    await meter.stop();
  });
});

describe('Meter sources', () => {
  it('uses the first working source of each group and says why the others are not used', async () => {
    const clock = new ManualClock();
    const meter = meterWith(
      clock,
      new ScriptedSource('broken', 'gpu', true, () => [], { available: false, devices: [], detail: 'no driver here' }),
      new ScriptedSource('first', 'gpu', true, () => [new TraceChannel('gpu0', 'first', true, rampTrace(10), 0)]),
      new ScriptedSource('second', 'gpu', true, () => []),
    );
    await meter.start();
    const byName = Object.fromEntries(meter.sources().map((s) => [s.name, s]));
    expect(byName.broken).toMatchObject({ available: false, detail: 'no driver here' });
    expect(byName.first).toMatchObject({ available: true, devices: ['gpu0'] });
    expect(byName.second.available).toBe(false);
    expect(byName.second.detail).toBe('works, standing by behind first: second works');
    await meter.stop();
  });

  it('switches to the next source in the group when one fails, with warnings and no throw', async () => {
    const clock = new ManualClock();
    const primary = new ScriptedSource('primary', 'gpu', true, () => [new TraceChannel('gpu0', 'primary', true, rampTrace(2), 0)]);
    const backupTrace = new PowerTrace(traceOptions);
    const backup = new ScriptedSource('backup', 'gpu', true, (context) => [new TraceChannel('gpu0', 'backup', true, backupTrace, context.now())]);
    const meter = meterWith(clock, primary, backup);
    const warnings: string[] = [];
    meter.onWarning((m) => warnings.push(m));
    await meter.start();

    clock.seconds = 1;
    meter.beginWindow('w');
    clock.seconds = 2;
    primary.context?.fail('the sampler exited');
    await new Promise((resolve) => setImmediate(resolve));
    for (let k = 0; k <= 20; k++) backupTrace.add(2 + k * 0.1, 50);
    clock.seconds = 4;
    const w = meter.endWindow('w');

    expect(primary.stopped).toBe(true);
    expect(warnings[0]).toBe('primary failed: the sampler exited');
    expect(warnings[1]).toBe('energy of gpu0 now comes from backup instead of primary');
    // primary: 1-2 s = 250 J (frozen at 2 s); backup: 50 W for 2-4 s = 100 J.
    expect(w.joulesBySource.primary).toBeCloseTo(250, 9);
    expect(w.joulesBySource.backup).toBeCloseTo(100, 9);
    expect(w.coverage).toBeCloseTo(1, 9);
    const byName = Object.fromEntries(meter.sources().map((s) => [s.name, s]));
    expect(byName.primary.detail).toContain('failed during the run');
    expect(byName.backup.available).toBe(true);
    await meter.stop();
  });

  it('says so when no source is left for a device', async () => {
    const clock = new ManualClock();
    const only = new ScriptedSource('only', 'gpu', true, () => [new TraceChannel('gpu0', 'only', true, rampTrace(2), 0)]);
    const meter = meterWith(clock, only);
    const warnings: string[] = [];
    meter.onWarning((m) => warnings.push(m));
    await meter.start();
    clock.seconds = 2;
    only.context?.fail('gone');
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.at(-1)).toContain('no other source can measure gpu0');
    clock.seconds = 3;
    meter.beginWindow('after');
    clock.seconds = 4;
    expect(meter.endWindow('after')).toMatchObject({ joules: 0, coverage: 0 });
    await meter.stop();
  });

  it('moves on when a source fails to start', async () => {
    const clock = new ManualClock();
    const failing: EnergySourceDriver = {
      name: 'failing',
      group: 'gpu',
      measured: true,
      probe: async () => ({ available: true, devices: ['gpu0'], detail: 'looks fine' }),
      start: async () => {
        throw new Error('permission denied');
      },
      stop: async () => undefined,
    };
    const meter = meterWith(clock, failing, new ScriptedSource('next', 'gpu', true, () => [new TraceChannel('gpu0', 'next', true, rampTrace(3), 0)]));
    await meter.start();
    expect(meter.warnings()).toEqual(['failing could not start: permission denied']);
    expect(meter.sources().map((s) => [s.name, s.available])).toEqual([
      ['failing', false],
      ['next', true],
    ]);
    await meter.stop();
  });
});

describe('Meter never throws into its caller', () => {
  it('turns misuse into warnings, and keeps warnings until someone listens', async () => {
    const clock = new ManualClock();
    const meter = meterWith(clock, new ScriptedSource('fake-power', 'gpu', true, () => [new TraceChannel('gpu0', 'fake-power', true, rampTrace(10), 0)]));
    await meter.start();
    expect(meter.endWindow('never-opened')).toMatchObject({ joules: 0, coverage: 0, measured: false });
    meter.beginWindow('twice');
    meter.beginWindow('twice');
    const heard: string[] = [];
    meter.onWarning(() => {
      throw new Error('a broken listener');
    });
    meter.onWarning((m) => heard.push(m));
    expect(heard).toEqual([]); // the first listener received (and threw on) the buffered warnings
    expect(meter.warnings()).toEqual([
      'energy window "never-opened" was closed without being opened; it reports nothing',
      'energy window "twice" was already open; it restarts now',
    ]);
    meter.endWindow('nope');
    expect(heard).toEqual(['energy window "nope" was closed without being opened; it reports nothing']);
    await meter.stop();
  });

  it('reports no joules and coverage 0 when nothing can be measured', async () => {
    const clock = new ManualClock();
    const meter = meterWith(clock, new ScriptedSource('absent', 'gpu', true, () => [], { available: false, devices: [], detail: 'none' }));
    await meter.start();
    meter.beginWindow('w');
    clock.seconds = 1;
    expect(meter.endWindow('w')).toMatchObject({ seconds: 1, joules: 0, coverage: 0, measured: false });
    expect(meter.powerWatts()).toBeNull();
    expect(meter.warnings()[0]).toContain('no energy source works here');
    await meter.stop();
  });

  it('survives a source whose probe throws', async () => {
    const clock = new ManualClock();
    const throwing: EnergySourceDriver = {
      name: 'throwing',
      group: 'gpu',
      measured: true,
      probe: () => Promise.reject(new Error('boom')),
      start: async () => [],
      stop: async () => undefined,
    };
    const meter = meterWith(clock, throwing);
    await meter.start();
    expect(meter.sources()[0]).toMatchObject({ available: false, detail: 'probe failed: boom' });
    await meter.stop();
  });
});

describe('Meter counters', () => {
  it('freezes a counter after repeated read failures and stops its coverage there', async () => {
    const clock = new ManualClock();
    let fail = false;
    const source = new ScriptedSource('counter', 'cpu', true, (context) => [
      new CounterChannel({
        device: 'cpu-package0',
        source: 'counter',
        measured: true,
        readRaw: () => {
          if (fail) throw new Error('EIO reading energy_uj');
          return BigInt(Math.round(context.now() * 1000)); // 1 unit per ms
        },
        range: UINT64_RANGE,
        joulesOf: (units) => Number(units) / 100, // 10 W
        startSeconds: context.now(),
        onFailure: (reason) => context.fail(reason),
      }),
    ]);
    const meter = meterWith(clock, source);
    await meter.start();
    meter.beginWindow('w');
    clock.seconds = 1;
    meter.totalJoulesByDevice(); // a good read at 1 s
    fail = true;
    clock.seconds = 2;
    for (let k = 0; k < 3; k++) meter.totalJoulesByDevice();
    clock.seconds = 4;
    const w = meter.endWindow('w');
    expect(w.joules).toBeCloseTo(10, 9); // 10 W for the 1 s it was read
    expect(w.coverage).toBeCloseTo(0.25, 12);
    expect(meter.warnings()).toContain('counter failed: EIO reading energy_uj');
    await meter.stop();
  });
});
