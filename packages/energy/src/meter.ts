import { performance } from 'node:perf_hooks';
import type { EnergyMeter, EnergySourceStatus, EnergySourceUse, WindowMeasurement } from '@sieve/core';
import type { ChannelMark, DeviceChannel } from './device-channel';
import { OverheadClock } from './overhead-clock';
import type { DriverContext, EnergySourceDriver, ProbeResult, SourceGroup } from './source-driver';

/** The meter `createEnergyMeter` returns: the core contract plus its own overhead and the sources it used. */
export interface SieveEnergyMeter extends EnergyMeter {
  /** Seconds the meter spent: its code on the main thread plus its helper processes' CPU time. */
  meterCpuSeconds(): number;
  /** Sources that have delivered joules since `start` (including one that failed later). */
  sourcesInUse(): EnergySourceUse[];
  /** Every warning so far, oldest first (at most the last 100). */
  warnings(): string[];
}

type SourceState = 'not probed' | 'unavailable' | 'standby' | 'starting' | 'in use' | 'failed';

interface SourceEntry {
  driver: EnergySourceDriver;
  probe: ProbeResult | null;
  state: SourceState;
  failure: string | null;
  channels: DeviceChannel[];
}

interface OpenWindow {
  beginSeconds: number;
  /** Marks of `channels[i]` at the window's start; channels started later have none. */
  marks: ChannelMark[];
}

export interface MeterSettings {
  sampleIntervalMs: number;
  /** The meter's clock in seconds; monotonic. Tests pass their own. */
  clock?: () => number;
}

const MAX_KEPT_WARNINGS = 100;

/**
 * The energy meter: probes its sources, uses the first that works in each group (GPU, CPU),
 * samples them on an unref'd timer, and answers windows from channel marks. Nothing it does
 * throws into the caller: failures become warnings, and a failed source hands its devices to
 * the next one in its group.
 */
export class Meter implements SieveEnergyMeter {
  private readonly entries: SourceEntry[];
  /** Every channel ever started, failed ones included (they still answer for the time they measured). */
  private readonly channels: DeviceChannel[] = [];
  private readonly windows = new Map<string, OpenWindow>();
  private readonly listeners: Array<(message: string) => void> = [];
  private readonly unheardWarnings: string[] = [];
  private readonly keptWarnings: string[] = [];
  private readonly overhead = new OverheadClock();
  private readonly clock: () => number;
  /** With the default clock, the overhead timer's reading doubles as the meter's `now`. */
  private readonly clockIsPerformanceNow: boolean;
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  private started = false;
  private stopped = false;

  constructor(
    drivers: EnergySourceDriver[],
    private readonly settings: MeterSettings,
  ) {
    this.entries = drivers.map((driver) => ({ driver, probe: null, state: 'not probed', failure: null, channels: [] }));
    this.clock = settings.clock ?? (() => performance.now() / 1000);
    this.clockIsPerformanceNow = settings.clock === undefined;
  }

  async start(): Promise<void> {
    if (this.started) {
      this.warn('the energy meter was started twice; the second start is ignored');
      return;
    }
    this.started = true;
    try {
      const probes = await Promise.all(
        this.entries.map((entry) =>
          entry.driver.probe().catch((error: unknown) => ({ available: false, devices: [], detail: `probe failed: ${messageOf(error)}` })),
        ),
      );
      this.entries.forEach((entry, i) => {
        entry.probe = probes[i];
        entry.state = probes[i].available ? 'standby' : 'unavailable';
      });
      const groups = [...new Set(this.entries.map((entry) => entry.driver.group))];
      for (const group of groups) await this.activateNext(group);
      if (this.channels.length === 0) this.warn('no energy source works here; energy is not counted (see the sources for why)');
      if (!this.stopped) {
        this.timer = setInterval(() => this.tick(), this.settings.sampleIntervalMs);
        this.timer.unref();
      }
    } catch (error) {
      this.warn(`the energy meter could not start: ${messageOf(error)}`);
    }
  }

  sources(): EnergySourceStatus[] {
    return this.entries.map((entry) => ({
      name: entry.driver.name,
      available: entry.state === 'in use',
      measured: entry.driver.measured,
      devices: entry.channels.length > 0 ? [...new Set(entry.channels.map((c) => c.device))] : (entry.probe?.devices ?? []),
      detail: this.describe(entry),
    }));
  }

  sourcesInUse(): EnergySourceUse[] {
    return this.entries
      .filter((entry) => entry.channels.length > 0)
      .map((entry) => ({ name: entry.driver.name, measured: entry.driver.measured }));
  }

  // beginWindow and endWindow run several times per training step: no closures, no syscalls
  // beyond the counters' own reads.
  beginWindow(name: string): void {
    const startMs = this.overhead.start();
    try {
      if (this.windows.has(name)) this.warn(`energy window "${name}" was already open; it restarts now`);
      const now = this.clockIsPerformanceNow ? startMs / 1000 : this.clock();
      const channels = this.channels;
      const marks = new Array<ChannelMark>(channels.length);
      for (let i = 0; i < channels.length; i++) marks[i] = channels[i].mark(now);
      this.windows.set(name, { beginSeconds: now, marks });
    } catch (error) {
      this.warn(`energy window "${name}" could not open: ${messageOf(error)}`);
    } finally {
      this.overhead.stop();
    }
  }

  endWindow(name: string): WindowMeasurement {
    const startMs = this.overhead.start();
    try {
      const window = this.windows.get(name);
      this.windows.delete(name);
      if (!window) {
        this.warn(`energy window "${name}" was closed without being opened; it reports nothing`);
        return emptyMeasurement(name);
      }
      return this.measure(name, window, this.clockIsPerformanceNow ? startMs / 1000 : this.clock());
    } catch (error) {
      this.warn(`energy window "${name}" could not be measured: ${messageOf(error)}`);
      return emptyMeasurement(name);
    } finally {
      this.overhead.stop();
    }
  }

  totalJoulesByDevice(): Record<string, number> {
    return this.overhead.time(() => {
      const totals: Record<string, number> = {};
      try {
        const now = this.clock();
        for (const channel of this.channels) {
          totals[channel.device] = (totals[channel.device] ?? 0) + channel.mark(now).joules;
        }
      } catch (error) {
        this.warn(`total energy could not be read: ${messageOf(error)}`);
      }
      return totals;
    });
  }

  powerWatts(): number | null {
    return this.overhead.time(() => {
      try {
        const now = this.clock();
        let total: number | null = null;
        for (const entry of this.entries) {
          if (entry.state !== 'in use') continue;
          for (const channel of entry.channels) {
            const watts = channel.latestWatts(now);
            if (watts !== null) total = (total ?? 0) + watts;
          }
        }
        return total;
      } catch {
        return null;
      }
    });
  }

  onWarning(listener: (message: string) => void): void {
    this.listeners.push(listener);
    for (const message of this.unheardWarnings.splice(0)) this.tell(listener, message);
  }

  warnings(): string[] {
    return [...this.keptWarnings];
  }

  meterCpuSeconds(): number {
    let helpers = 0;
    for (const entry of this.entries) {
      try {
        helpers += entry.driver.helperCpuSeconds?.() ?? 0;
      } catch {
        // A helper whose CPU time cannot be read counts nothing.
      }
    }
    return this.overhead.seconds + helpers;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const now = this.clock();
    for (const channel of this.channels) channel.freeze(now);
    await Promise.all(
      this.entries
        .filter((entry) => entry.state === 'in use')
        .map((entry) => entry.driver.stop().catch((error: unknown) => this.warn(`${entry.driver.name} did not stop cleanly: ${messageOf(error)}`))),
    );
  }

  private measure(name: string, window: OpenWindow, now: number): WindowMeasurement {
    const seconds = Math.max(0, now - window.beginSeconds);
    const joulesByDevice: Record<string, number> = {};
    const coveredByDevice: Record<string, number> = {};
    const joulesBySource: Record<string, number> = {};
    let measured = true;
    for (let i = 0; i < this.channels.length; i++) {
      const channel = this.channels[i];
      // A channel started during the window counts from its own start.
      const begin = i < window.marks.length ? window.marks[i] : channel.startMark;
      const revisedBegin = channel.revise(begin);
      const end = channel.mark(now);
      const joules = end.joules - revisedBegin.joules;
      joulesByDevice[channel.device] = (joulesByDevice[channel.device] ?? 0) + joules;
      coveredByDevice[channel.device] = (coveredByDevice[channel.device] ?? 0) + (end.coveredSeconds - revisedBegin.coveredSeconds);
      joulesBySource[channel.source] = (joulesBySource[channel.source] ?? 0) + joules;
      measured &&= channel.measured;
    }
    const devices = Object.keys(joulesByDevice);
    let coverage = devices.length === 0 ? 0 : 1;
    if (seconds > 0) {
      for (const device of devices) coverage = Math.min(coverage, coverageShare(coveredByDevice[device], seconds));
    }
    return {
      name,
      seconds,
      joules: Object.values(joulesByDevice).reduce((sum, j) => sum + j, 0),
      joulesByDevice,
      joulesBySource,
      measured: devices.length > 0 && measured,
      coverage,
    };
  }

  private tick(): void {
    this.overhead.time(() => {
      try {
        const now = this.clock();
        for (const entry of this.entries) {
          if (entry.state !== 'in use') continue;
          entry.driver.tick?.(now);
          for (const channel of entry.channels) channel.sample(now);
        }
        if (++this.ticks % 50 === 0) this.forgetOldSamples(now);
      } catch (error) {
        this.warn(`energy sampling failed: ${messageOf(error)}`);
      }
    });
  }

  /** Samples older than every open window (and a minute back) are no longer needed. */
  private forgetOldSamples(now: number): void {
    let keepSince = now - 60;
    for (const window of this.windows.values()) keepSince = Math.min(keepSince, window.beginSeconds);
    for (const channel of this.channels) channel.forgetBefore(keepSince);
  }

  private async activateNext(group: SourceGroup): Promise<boolean> {
    for (const entry of this.entries) {
      if (entry.driver.group !== group || entry.state !== 'standby' || this.stopped) continue;
      entry.state = 'starting';
      try {
        const channels = await entry.driver.start(this.contextFor(entry));
        if (this.stopped) {
          await entry.driver.stop();
          return false;
        }
        // The driver may have failed while it was starting.
        if (entry.state !== 'starting') continue;
        entry.state = 'in use';
        entry.channels = channels;
        this.channels.push(...channels);
        return true;
      } catch (error) {
        entry.state = 'failed';
        entry.failure = `could not start: ${messageOf(error)}`;
        this.warn(`${entry.driver.name} ${entry.failure}`);
      }
    }
    return false;
  }

  private contextFor(entry: SourceEntry): DriverContext {
    return {
      sampleIntervalMs: this.settings.sampleIntervalMs,
      now: this.clock,
      warn: (message) => this.warn(`${entry.driver.name}: ${message}`),
      fail: (reason) => this.onSourceFailure(entry, reason),
      overhead: this.overhead,
    };
  }

  private onSourceFailure(entry: SourceEntry, reason: string): void {
    if (entry.state !== 'in use' && entry.state !== 'starting') return;
    const wasInUse = entry.state === 'in use';
    entry.state = 'failed';
    entry.failure = reason;
    if (!wasInUse) return; // activateNext sees the state and moves on
    const now = this.clock();
    for (const channel of entry.channels) channel.freeze(now);
    entry.driver.stop().catch(() => undefined);
    const name = entry.driver.name;
    const devices = [...new Set(entry.channels.map((c) => c.device))].join(', ');
    this.warn(`${name} failed: ${reason}`);
    void this.activateNext(entry.driver.group).then(
      (switched) => {
        const next = this.entries.find((e) => e.driver.group === entry.driver.group && e.state === 'in use');
        if (switched && next) this.warn(`energy of ${devices} now comes from ${next.driver.name} instead of ${name}`);
        else this.warn(`no other source can measure ${devices}: their energy is no longer counted (windows report coverage below 1)`);
      },
      (error: unknown) => this.warn(`could not switch away from ${name}: ${messageOf(error)}`),
    );
  }

  private describe(entry: SourceEntry): string {
    const detail = entry.probe?.detail ?? '';
    switch (entry.state) {
      case 'not probed':
        return 'not probed yet (the meter has not started)';
      case 'unavailable':
      case 'in use':
        return detail;
      case 'standby': {
        const inUse = this.entries.find((e) => e.driver.group === entry.driver.group && e.state === 'in use');
        return `works, standing by${inUse ? ` behind ${inUse.driver.name}` : ''}: ${detail}`;
      }
      case 'starting':
        return `starting: ${detail}`;
      case 'failed':
        return entry.channels.length > 0
          ? `failed during the run (its joules until then still count): ${entry.failure}`
          : `failed: ${entry.failure}`;
    }
  }

  private warn(message: string): void {
    this.keptWarnings.push(message);
    if (this.keptWarnings.length > MAX_KEPT_WARNINGS) this.keptWarnings.shift();
    if (this.listeners.length === 0) {
      this.unheardWarnings.push(message);
      if (this.unheardWarnings.length > MAX_KEPT_WARNINGS) this.unheardWarnings.shift();
      return;
    }
    for (const listener of this.listeners) this.tell(listener, message);
  }

  private tell(listener: (message: string) => void, message: string): void {
    try {
      listener(message);
    } catch {
      // A listener that throws must not break the meter or the run.
    }
  }
}

function emptyMeasurement(name: string): WindowMeasurement {
  return { name, seconds: 0, joules: 0, joulesByDevice: {}, joulesBySource: {}, measured: false, coverage: 0 };
}

/**
 * The share of a window's seconds that a device's readings cover. Both are differences of clock
 * readings summed in float64, so a fully covered window can come out a few ulps short of 1: within
 * 1e-9 of whole counts as whole.
 */
function coverageShare(coveredSeconds: number, seconds: number): number {
  const share = clamp01(coveredSeconds / seconds);
  return share > 1 - 1e-9 ? 1 : share;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
