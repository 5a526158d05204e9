import type { DeviceChannel } from './device-channel';
import type { OverheadClock } from './overhead-clock';

/** Sources in one group measure the same devices; the meter uses the first that works and falls back along the list. */
export type SourceGroup = 'gpu' | 'cpu' | 'replay';

export interface ProbeResult {
  available: boolean;
  devices: string[];
  /** What it measures and how, or why it cannot (with the fix, where there is one). */
  detail: string;
}

export interface DriverContext {
  readonly sampleIntervalMs: number;
  /** The meter's clock: monotonic seconds. */
  now(): number;
  warn(message: string): void;
  /** The source stopped working for good; the meter switches to the next one in its group. */
  fail(reason: string): void;
  /** Wrap the driver's own callbacks (stdout handlers) so their time counts as meter overhead. */
  readonly overhead: OverheadClock;
}

/** One way of measuring energy. `probe` and `start` never block the event loop for long. */
export interface EnergySourceDriver {
  readonly name: string;
  readonly group: SourceGroup;
  /** False for sources that estimate or replay rather than read a sensor of this machine. */
  readonly measured: boolean;
  /** Finds out whether the source works here; never throws. */
  probe(): Promise<ProbeResult>;
  /** Starts measuring (after a successful probe); throws when it cannot, and the meter moves on. */
  start(context: DriverContext): Promise<DeviceChannel[]>;
  /** Called every sampling interval on the meter's timer; must be quick. */
  tick?(nowSeconds: number): void;
  /** CPU seconds spent by helper processes the source runs (nvidia-smi), for the overhead figure. */
  helperCpuSeconds?(): number;
  stop(): Promise<void>;
}
