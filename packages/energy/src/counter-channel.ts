import type { ChannelMark, DeviceChannel } from './device-channel';
import { WrappingCounter } from './wrapping-counter';

export interface CounterChannelOptions {
  device: string;
  source: string;
  measured: boolean;
  /** Reads the raw counter (synchronous: it is called at window boundaries). Throws when it cannot. */
  readRaw: () => bigint;
  /** The value at which the counter wraps to zero. */
  range: bigint;
  /** Joules for a number of counter units. */
  joulesOf: (units: bigint) => number;
  startSeconds: number;
  /** Called once when reads have failed `failAfterConsecutiveErrors` times in a row; the channel then freezes. */
  onFailure: (reason: string) => void;
  /** Called when the counter went backwards by more than a wrap can explain. */
  onReset?: () => void;
  failAfterConsecutiveErrors?: number;
}

/**
 * A device measured by an energy counter (RAPL, NVML total energy, process CPU time),
 * read directly at every window boundary and every sampling interval. A missed read loses
 * nothing (the counter keeps counting) as long as it cannot wrap twice in between, so the
 * covered time runs from the start to the last good read.
 */
export class CounterChannel implements DeviceChannel {
  readonly device: string;
  readonly source: string;
  readonly measured: boolean;
  readonly startMark: ChannelMark;
  private readonly counter: WrappingCounter;
  private units = 0n;
  private lastGoodSeconds: number;
  private consecutiveErrors = 0;
  private frozen = false;
  private previousTick: { timeSeconds: number; joules: number } | null = null;
  private tickWatts: number | null = null;

  constructor(private readonly options: CounterChannelOptions) {
    this.device = options.device;
    this.source = options.source;
    this.measured = options.measured;
    this.counter = new WrappingCounter(options.range);
    this.lastGoodSeconds = options.startSeconds;
    this.startMark = { timeSeconds: options.startSeconds, joules: 0, coveredSeconds: 0 };
    this.read(options.startSeconds);
  }

  get failed(): boolean {
    return this.frozen;
  }

  mark(nowSeconds: number): ChannelMark {
    if (!this.frozen) this.read(nowSeconds);
    return this.current(nowSeconds);
  }

  revise(mark: ChannelMark): ChannelMark {
    return mark;
  }

  latestWatts(): number | null {
    return this.frozen ? null : this.tickWatts;
  }

  sample(nowSeconds: number): void {
    const { joules } = this.mark(nowSeconds);
    if (this.frozen || this.lastGoodSeconds !== nowSeconds) return;
    const previous = this.previousTick;
    if (previous && nowSeconds > previous.timeSeconds) {
      this.tickWatts = (joules - previous.joules) / (nowSeconds - previous.timeSeconds);
    }
    this.previousTick = { timeSeconds: nowSeconds, joules };
  }

  forgetBefore(): void {}

  freeze(nowSeconds: number): void {
    if (this.frozen) return;
    this.read(nowSeconds);
    this.frozen = true;
  }

  private current(nowSeconds: number): ChannelMark {
    return {
      timeSeconds: nowSeconds,
      joules: this.options.joulesOf(this.units),
      coveredSeconds: this.lastGoodSeconds - this.options.startSeconds,
    };
  }

  private read(nowSeconds: number): void {
    let raw: bigint;
    try {
      raw = this.options.readRaw();
    } catch (error) {
      this.consecutiveErrors++;
      if (this.consecutiveErrors >= (this.options.failAfterConsecutiveErrors ?? 3)) {
        this.frozen = true;
        this.options.onFailure(error instanceof Error ? error.message : String(error));
      }
      return;
    }
    this.consecutiveErrors = 0;
    const { increment, step } = this.counter.advance(raw);
    if (step === 'reset') this.options.onReset?.();
    this.units += increment;
    this.lastGoodSeconds = Math.max(this.lastGoodSeconds, nowSeconds);
  }
}
