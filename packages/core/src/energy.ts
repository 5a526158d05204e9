/** Contract between the energy meter (`@sieve/energy`) and its users (engine, dashboard, CLI). */

export interface EnergySourceStatus {
  /** `nvml`, `nvidia-smi`, `rapl`, `estimate`, `replay`. */
  name: string;
  available: boolean;
  /** True when joules come from a power or energy sensor; false for `estimate`. */
  measured: boolean;
  /** Devices this source covers, e.g. `gpu0`, `cpu-package0`, `cpu`. */
  devices: string[];
  /** Why it is not available, or what it is based on (shown to the user). */
  detail: string;
}

export interface WindowMeasurement {
  name: string;
  seconds: number;
  joules: number;
  joulesByDevice: Record<string, number>;
  joulesBySource: Record<string, number>;
  /** True only if every contributing source was measured. */
  measured: boolean;
  /** Fraction of the window's duration covered by samples, in [0, 1]. */
  coverage: number;
}

export interface EnergyMeter {
  /** Probes sources and starts sampling; never throws (a failing source is reported in `sources()`). */
  start(): Promise<void>;
  /** The sources probed and which are in use. */
  sources(): EnergySourceStatus[];
  /** Opens a named window; windows may nest but one name is open at most once. */
  beginWindow(name: string): void;
  /** Closes a window and returns what it cost. */
  endWindow(name: string): WindowMeasurement;
  /** Joules since `start`, per device (cumulative). */
  totalJoulesByDevice(): Record<string, number>;
  /** Latest total power in watts, or null before the first sample. */
  powerWatts(): number | null;
  /** Subscribe to warnings (a source that died, degraded to another). */
  onWarning(listener: (message: string) => void): void;
  stop(): Promise<void>;
  /** CPU seconds the meter itself has spent, for its overhead (optional for custom meters). */
  meterCpuSeconds?(): number;
}
