/**
 * Turns successive raw readings of an energy counter into increments, across wrap-around.
 *
 * The counter runs from 0 up to `range` and then starts again from 0 (RAPL's `energy_uj`
 * wraps at `max_energy_range_uj`; NVML's millijoule counter is 64 bits wide). A reading
 * below the previous one is a wrap, unless the wrapped increment would exceed half the
 * range: then the counter was reset (a driver reload) and counts from zero again.
 * Readings must come often enough that the counter cannot wrap twice in between; the
 * meter reads every sampling interval.
 */
export type CounterStep = 'first' | 'normal' | 'wrap' | 'reset';

export class WrappingCounter {
  private last: bigint | null = null;

  constructor(readonly range: bigint) {
    if (range <= 0n) throw new RangeError(`counter range must be positive, got ${range}`);
  }

  /** The increment since the previous reading, in the counter's own units; 0 for the first. */
  advance(raw: bigint): { increment: bigint; step: CounterStep } {
    const last = this.last;
    this.last = raw;
    if (last === null) return { increment: 0n, step: 'first' };
    if (raw >= last) return { increment: raw - last, step: 'normal' };
    const wrapped = raw + this.range - last;
    if (wrapped <= this.range / 2n) return { increment: wrapped, step: 'wrap' };
    return { increment: raw, step: 'reset' };
  }
}

/** Range of a 64-bit unsigned counter such as NVML's total energy. */
export const UINT64_RANGE = 1n << 64n;
