import koffi from 'koffi';

/** NVML's `nvmlReturn_t` codes that Sieve treats specially. */
export const NVML_SUCCESS = 0;
export const NVML_ERROR_NOT_SUPPORTED = 3;

export class NvmlError extends Error {
  constructor(
    readonly functionName: string,
    readonly code: number,
    description: string,
  ) {
    super(`${functionName} failed: ${description} (NVML error ${code})`);
    this.name = 'NvmlError';
  }
}

/** An opaque `nvmlDevice_t`. */
export type NvmlDevice = unknown;

/** The few NVML calls the meter needs, with errors turned into `NvmlError`. */
export interface NvmlLibrary {
  init(): void;
  shutdown(): void;
  deviceCount(): number;
  deviceHandle(index: number): NvmlDevice;
  deviceName(device: NvmlDevice): string;
  /** Millijoules since the driver was loaded (Volta and newer), 64 bits. */
  totalEnergyMillijoules(device: NvmlDevice): bigint;
  /** Milliwatts now. */
  powerMilliwatts(device: NvmlDevice): number;
}

// koffi types are process-wide: declare once, anonymously, so that loading twice is fine.
const deviceType = koffi.pointer(koffi.opaque());

/**
 * Loads libnvidia-ml through koffi (an FFI). Throws a plain Error when the library or one
 * of its functions cannot be found.
 */
export function loadNvml(libraryPath: string): NvmlLibrary {
  const lib = koffi.load(libraryPath);
  const errorString = lib.func('nvmlErrorString', 'const char *', ['int']);
  const call = (name: string, code: number): void => {
    if (code !== NVML_SUCCESS) throw new NvmlError(name, code, String(errorString(code) ?? 'unknown error'));
  };
  const nvmlInit = lib.func('nvmlInit_v2', 'int', []);
  const nvmlShutdown = lib.func('nvmlShutdown', 'int', []);
  const getCount = lib.func('nvmlDeviceGetCount_v2', 'int', ['uint32_t *']);
  const getHandle = lib.func('nvmlDeviceGetHandleByIndex_v2', 'int', ['uint32_t', koffi.out(koffi.pointer(deviceType))]);
  const getName = lib.func('nvmlDeviceGetName', 'int', [deviceType, 'char *', 'uint32_t']);
  const getEnergy = lib.func('nvmlDeviceGetTotalEnergyConsumption', 'int', [deviceType, 'uint64_t *']);
  const getPower = lib.func('nvmlDeviceGetPowerUsage', 'int', [deviceType, 'uint32_t *']);
  // Reused output buffers: the calls are synchronous, so one of each is enough.
  const u32 = new Uint32Array(1);
  const u64 = new BigUint64Array(1);
  const nameBuffer = Buffer.alloc(96);
  return {
    init: () => call('nvmlInit_v2', nvmlInit()),
    shutdown: () => call('nvmlShutdown', nvmlShutdown()),
    deviceCount: () => {
      call('nvmlDeviceGetCount_v2', getCount(u32));
      return u32[0];
    },
    deviceHandle: (index) => {
      const out: unknown[] = [null];
      call('nvmlDeviceGetHandleByIndex_v2', getHandle(index, out));
      return out[0];
    },
    deviceName: (device) => {
      nameBuffer.fill(0);
      call('nvmlDeviceGetName', getName(device, nameBuffer, nameBuffer.length));
      const end = nameBuffer.indexOf(0);
      return nameBuffer.toString('utf8', 0, end < 0 ? nameBuffer.length : end);
    },
    totalEnergyMillijoules: (device) => {
      call('nvmlDeviceGetTotalEnergyConsumption', getEnergy(device, u64));
      return u64[0];
    },
    powerMilliwatts: (device) => {
      call('nvmlDeviceGetPowerUsage', getPower(device, u32));
      return u32[0];
    },
  };
}
