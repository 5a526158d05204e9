import type { DeviceChannel } from './device-channel';
import { PowerTrace } from './power-trace';
import type { ReplaySample } from './replay-file';
import type { DriverContext, EnergySourceDriver, ProbeResult } from './source-driver';
import { TraceChannel } from './trace-channel';

/**
 * Plays a recorded power trace as if it were being sampled now: the recording's time 0 is
 * the meter's start (`replayTrace` runs the meter over it on a clock of its own). Labelled not
 * measured, since it is not this machine's sensors. Power is linear between recorded samples;
 * after the last one nothing is covered.
 */
export class ReplaySource implements EnergySourceDriver {
  readonly name = 'replay';
  readonly group = 'replay';
  readonly measured = false;

  constructor(
    private readonly fileName: string,
    private readonly samples: ReplaySample[],
  ) {}

  async probe(): Promise<ProbeResult> {
    const devices = [...new Set(this.samples.map((s) => s.device))];
    const seconds = Math.max(...this.samples.map((s) => s.seconds));
    return {
      available: true,
      devices,
      detail: `replays ${this.samples.length} samples of ${devices.join(', ')} over ${seconds.toFixed(1)} s from ${this.fileName} (a recording, not this machine's sensors)`,
    };
  }

  async start(context: DriverContext): Promise<DeviceChannel[]> {
    const start = context.now();
    const traces = new Map<string, PowerTrace>();
    for (const sample of this.samples) {
      let trace = traces.get(sample.device);
      if (!trace) traces.set(sample.device, (trace = new PowerTrace({ maxGapSeconds: Number.POSITIVE_INFINITY, holdSeconds: 0 })));
      trace.add(start + sample.seconds, sample.watts);
    }
    return [...traces].map(([device, trace]) => new TraceChannel(device, this.name, false, trace, start));
  }

  async stop(): Promise<void> {}
}
