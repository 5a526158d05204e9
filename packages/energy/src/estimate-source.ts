import { CounterChannel } from './counter-channel';
import type { DeviceChannel } from './device-channel';
import type { DriverContext, EnergySourceDriver, ProbeResult } from './source-driver';
import { UINT64_RANGE } from './wrapping-counter';
import { describeThisCpu, wattsPerBusyThread } from './watts-per-core';

/**
 * Where nothing can be measured: this process's CPU time (user + system, all its threads)
 * times a wattage per busy hardware thread. Always labelled estimated. It covers Sieve's own
 * process only, not the rest of the machine, and no GPU.
 */
export class EstimateSource implements EnergySourceDriver {
  readonly name = 'estimate';
  readonly group = 'cpu';
  readonly measured = false;
  private watts = 0;
  private explanation = '';

  constructor(private readonly wattsPerCore?: number) {}

  async probe(): Promise<ProbeResult> {
    if (this.wattsPerCore !== undefined) {
      this.watts = this.wattsPerCore;
      this.explanation = `${this.watts} W per busy thread (set by wattsPerCore)`;
    } else {
      const rule = wattsPerBusyThread(await describeThisCpu());
      this.watts = rule.watts;
      this.explanation = `${rule.explanation}; set wattsPerCore to override`;
    }
    return {
      available: true,
      devices: ['cpu'],
      detail: `estimated, not measured: this process's CPU time x ${this.explanation}; counts Sieve's own process only, not the whole machine or any GPU`,
    };
  }

  get wattsPerBusyThread(): number {
    return this.watts;
  }

  async start(context: DriverContext): Promise<DeviceChannel[]> {
    if (this.watts === 0) await this.probe();
    const watts = this.watts;
    return [
      new CounterChannel({
        device: 'cpu',
        source: this.name,
        measured: false,
        readRaw: () => {
          const usage = process.cpuUsage();
          return BigInt(usage.user + usage.system);
        },
        range: UINT64_RANGE,
        joulesOf: (microseconds) => (Number(microseconds) / 1e6) * watts,
        startSeconds: context.now(),
        onFailure: (reason) => context.fail(reason),
      }),
    ];
  }

  async stop(): Promise<void> {}
}
