/**
 * Places a sampler's wall-clock timestamps (ms since the epoch) on the meter's monotonic
 * clock. A row cannot arrive before it was written, so the offset between the two clocks is
 * taken from the row that arrived soonest: the largest `timestamp - arrival` seen so far.
 * Pipe and event-loop delays then do not shift sample times. If the wall clock steps back
 * (an NTP correction), rows would land in the past; the anchor then starts again.
 */
export class TimestampAnchor {
  private offsetMs: number | null = null;
  private lastSeconds = Number.NEGATIVE_INFINITY;

  /** Maps a row's timestamp to monotonic seconds, given when (monotonic seconds) the row arrived. */
  map(timestampMs: number, arrivalSeconds: number): number {
    const candidate = timestampMs - arrivalSeconds * 1000;
    if (this.offsetMs === null || candidate > this.offsetMs) this.offsetMs = candidate;
    let seconds = (timestampMs - this.offsetMs) / 1000;
    // Far behind the previous row (more than a second): the wall clock stepped back.
    if (seconds < this.lastSeconds - 1) {
      this.offsetMs = candidate;
      seconds = arrivalSeconds;
    }
    this.lastSeconds = Math.max(this.lastSeconds, seconds);
    return seconds;
  }
}
