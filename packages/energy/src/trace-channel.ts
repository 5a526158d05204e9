import type { ChannelMark, DeviceChannel } from './device-channel';
import type { PowerTrace } from './power-trace';

/**
 * A device measured by power samples (nvidia-smi, NVML power, a replayed file): its source
 * adds samples to the trace, and window boundaries are interpolated on it. A boundary is
 * revised when the window closes, since samples after it have arrived by then.
 */
export class TraceChannel implements DeviceChannel {
  readonly startMark: ChannelMark;
  private frozenAtSeconds = Number.POSITIVE_INFINITY;

  constructor(
    readonly device: string,
    readonly source: string,
    readonly measured: boolean,
    readonly trace: PowerTrace,
    startSeconds: number,
  ) {
    this.startMark = { timeSeconds: startSeconds, joules: 0, coveredSeconds: 0 };
  }

  mark(nowSeconds: number): ChannelMark {
    const t = Math.min(nowSeconds, this.frozenAtSeconds);
    return { timeSeconds: nowSeconds, joules: this.trace.joulesAt(t), coveredSeconds: this.trace.coveredSecondsAt(t) };
  }

  revise(mark: ChannelMark): ChannelMark {
    return this.mark(mark.timeSeconds);
  }

  latestWatts(nowSeconds: number): number | null {
    return nowSeconds > this.frozenAtSeconds ? null : this.trace.wattsAt(nowSeconds);
  }

  sample(): void {}

  forgetBefore(timeSeconds: number): void {
    this.trace.forgetBefore(timeSeconds);
  }

  freeze(nowSeconds: number): void {
    this.frozenAtSeconds = Math.min(this.frozenAtSeconds, nowSeconds);
  }
}
