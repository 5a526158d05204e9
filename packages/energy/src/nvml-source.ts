import { CounterChannel } from './counter-channel';
import type { DeviceChannel } from './device-channel';
import { loadNvml, type NvmlDevice, type NvmlLibrary } from './nvml-library';
import { liveTraceOptions, PowerTrace } from './power-trace';
import type { DriverContext, EnergySourceDriver, ProbeResult } from './source-driver';
import { TraceChannel } from './trace-channel';
import { UINT64_RANGE } from './wrapping-counter';

interface NvmlGpu {
  index: number;
  name: string;
  handle: NvmlDevice;
  /** `counter`: nvmlDeviceGetTotalEnergyConsumption works; `power`: only nvmlDeviceGetPowerUsage. */
  mode: 'counter' | 'power';
}

/**
 * GPU energy through NVML (koffi FFI on libnvidia-ml.so.1). Where the GPU has the total
 * energy counter (Volta and newer), it is read at every window boundary, as Zeus does; else
 * power is sampled every interval and integrated by trapezoid.
 */
export class NvmlSource implements EnergySourceDriver {
  readonly name = 'nvml';
  readonly group = 'gpu';
  readonly measured = true;
  private nvml: NvmlLibrary | null = null;
  private gpus: NvmlGpu[] = [];
  private readonly polled: Array<{ gpu: NvmlGpu; trace: PowerTrace }> = [];
  private consecutivePowerErrors = 0;
  private context: DriverContext | null = null;
  private initialised = false;

  constructor(
    private readonly libraryPath: string,
    private readonly sampleIntervalMs: number,
  ) {}

  async probe(): Promise<ProbeResult> {
    try {
      this.nvml ??= loadNvml(this.libraryPath);
    } catch (error) {
      return {
        available: false,
        devices: [],
        detail: `could not load ${this.libraryPath} (${messageOf(error)}): no NVIDIA driver here; install it, or set SIEVE_NVML_LIBRARY to the path of libnvidia-ml.so.1`,
      };
    }
    const nvml = this.nvml;
    try {
      nvml.init();
    } catch (error) {
      return { available: false, devices: [], detail: `NVML is present but does not start: ${messageOf(error)}` };
    }
    try {
      const gpus: NvmlGpu[] = [];
      const leftOut: string[] = [];
      const count = nvml.deviceCount();
      for (let index = 0; index < count; index++) {
        const handle = nvml.deviceHandle(index);
        const name = nvml.deviceName(handle);
        if (works(() => nvml.totalEnergyMillijoules(handle))) gpus.push({ index, name, handle, mode: 'counter' });
        else if (works(() => nvml.powerMilliwatts(handle))) gpus.push({ index, name, handle, mode: 'power' });
        else leftOut.push(`gpu${index} (${name}) reports neither energy nor power`);
      }
      this.gpus = gpus;
      if (gpus.length === 0) {
        return { available: false, devices: [], detail: count === 0 ? 'NVML sees no GPU' : `NVML gives no energy reading: ${leftOut.join('; ')}` };
      }
      const byMode = (mode: NvmlGpu['mode']) => gpus.filter((g) => g.mode === mode).map((g) => `gpu${g.index}`);
      const parts = [
        byMode('counter').length > 0 ? `${byMode('counter').join(', ')}: total energy counter (mJ) read at every window boundary` : '',
        byMode('power').length > 0
          ? `${byMode('power').join(', ')}: no energy counter (before Volta), power every ${this.sampleIntervalMs} ms integrated by trapezoid`
          : '',
        leftOut.length > 0 ? `left out: ${leftOut.join('; ')}` : '',
      ].filter(Boolean);
      return {
        available: true,
        devices: gpus.map((g) => `gpu${g.index}`),
        detail: `${gpus.length} GPU${gpus.length === 1 ? '' : 's'} (${[...new Set(gpus.map((g) => g.name))].join(', ')}); ${parts.join('; ')}`,
      };
    } catch (error) {
      return { available: false, devices: [], detail: `NVML failed while listing GPUs: ${messageOf(error)}` };
    } finally {
      tryShutdown(nvml);
    }
  }

  async start(context: DriverContext): Promise<DeviceChannel[]> {
    if (!this.nvml || this.gpus.length === 0) {
      const probe = await this.probe();
      if (!probe.available || !this.nvml) throw new Error(probe.detail);
    }
    const nvml = this.nvml;
    nvml.init();
    this.initialised = true;
    this.context = context;
    try {
      return this.channelsOf(nvml, context);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private channelsOf(nvml: NvmlLibrary, context: DriverContext): DeviceChannel[] {
    const now = context.now();
    return this.gpus.map((gpu) => {
      const device = `gpu${gpu.index}`;
      if (gpu.mode === 'counter') {
        return new CounterChannel({
          device,
          source: this.name,
          measured: true,
          readRaw: () => nvml.totalEnergyMillijoules(gpu.handle),
          range: UINT64_RANGE,
          joulesOf: (millijoules) => Number(millijoules) / 1000,
          startSeconds: now,
          onFailure: (reason) => context.fail(reason),
          onReset: () => context.warn(`${device}'s energy counter went backwards (driver reloaded?); counting from its new value`),
        });
      }
      const trace = new PowerTrace(liveTraceOptions(this.sampleIntervalMs));
      trace.add(now, nvml.powerMilliwatts(gpu.handle) / 1000);
      this.polled.push({ gpu, trace });
      return new TraceChannel(device, this.name, true, trace, now);
    });
  }

  tick(nowSeconds: number): void {
    const nvml = this.nvml;
    if (!nvml || !this.initialised) return;
    for (const { gpu, trace } of this.polled) {
      try {
        trace.add(nowSeconds, nvml.powerMilliwatts(gpu.handle) / 1000);
        this.consecutivePowerErrors = 0;
      } catch (error) {
        if (++this.consecutivePowerErrors >= 3) {
          this.initialised = false;
          this.context?.fail(messageOf(error));
          return;
        }
      }
    }
  }

  async stop(): Promise<void> {
    if (this.nvml && this.initialised) tryShutdown(this.nvml);
    this.initialised = false;
  }
}

/** Whether a reading works on this GPU (NVML says NOT_SUPPORTED, or fails otherwise, when not). */
function works(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch {
    return false;
  }
}

function tryShutdown(nvml: NvmlLibrary): void {
  try {
    nvml.shutdown();
  } catch {
    // Already shut down.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
