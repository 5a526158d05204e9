/**
 * One device's energy as one source sees it. The meter takes a mark at each window
 * boundary and subtracts: joules and covered seconds are cumulative since the channel
 * started, so a window costs two marks and a subtraction.
 */
export interface ChannelMark {
  timeSeconds: number;
  /** Joules since the channel started. */
  joules: number;
  /** Seconds since the channel started during which the device was really observed. */
  coveredSeconds: number;
}

export interface DeviceChannel {
  /** `gpu0`, `cpu-package0`, `cpu`, ... */
  readonly device: string;
  /** The source's name. */
  readonly source: string;
  readonly measured: boolean;
  /** The reading when the channel started: zero joules, zero covered seconds. */
  readonly startMark: ChannelMark;
  /** A reading now: counters are read, traces integrate the samples they hold. */
  mark(nowSeconds: number): ChannelMark;
  /** The same reading redone with what is known now (traces: samples that arrived since); counters return it as is. */
  revise(mark: ChannelMark): ChannelMark;
  /** Latest power in watts, or null when unknown. */
  latestWatts(nowSeconds: number): number | null;
  /** Called every sampling interval. */
  sample(nowSeconds: number): void;
  /** No window will ask about times before this any more. */
  forgetBefore(timeSeconds: number): void;
  /** Stops observing the device: later marks repeat the reading at `nowSeconds`. */
  freeze(nowSeconds: number): void;
}
