import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';
import { tempDir } from '@sieve/core/testing';

/** Why the fake cannot be built here, or null when a C compiler is present. */
export function whyNoCompiler(): string | null {
  const probe = spawnSync('cc', ['--version'], { encoding: 'utf8' });
  return probe.error || probe.status !== 0 ? 'no C compiler (cc) on this machine to build the fake libnvidia-ml.so.1' : null;
}

export interface FakeNvml {
  libraryPath: string;
  setEnergyMillijoules(device: number, value: bigint): void;
  setEnergyStepMillijoules(device: number, step: bigint): void;
  lastReadMillijoules(device: number): bigint;
  setPowerMilliwatts(device: number, value: number): void;
  setEnergySupported(supported: boolean): void;
  setFailing(failing: boolean): void;
  initCount(): number;
}

/** Compiles fake-nvml.c into <temp>/libnvidia-ml.so.1 and binds its test controls. */
export function buildFakeNvml(): FakeNvml {
  const dir = tempDir('sieve-fake-nvml-');
  const libraryPath = join(dir, 'libnvidia-ml.so.1');
  const source = fileURLToPath(new URL('./fake-nvml.c', import.meta.url));
  const built = spawnSync('cc', ['-shared', '-fPIC', '-O1', '-o', libraryPath, source], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`cc failed: ${built.stderr}`);
  // dlopen of the same path gives the same handle, so these calls reach the meter's copy.
  const lib = koffi.load(libraryPath);
  const setEnergy = lib.func('fake_set_energy_mj', 'void', ['uint32_t', 'uint64_t']);
  const setStep = lib.func('fake_set_energy_step_mj', 'void', ['uint32_t', 'uint64_t']);
  const lastRead = lib.func('fake_last_read_mj', 'uint64_t', ['uint32_t']);
  const setPower = lib.func('fake_set_power_mw', 'void', ['uint32_t', 'uint32_t']);
  const setSupported = lib.func('fake_set_energy_supported', 'void', ['int']);
  const setFailing = lib.func('fake_set_failing', 'void', ['int']);
  const initCount = lib.func('fake_init_count', 'int', []);
  return {
    libraryPath,
    setEnergyMillijoules: (device, value) => setEnergy(device, value),
    setEnergyStepMillijoules: (device, step) => setStep(device, step),
    lastReadMillijoules: (device) => BigInt(lastRead(device)),
    setPowerMilliwatts: (device, value) => setPower(device, value),
    setEnergySupported: (supported) => setSupported(supported ? 1 : 0),
    setFailing: (failing) => setFailing(failing ? 1 : 0),
    initCount: () => Number(initCount()),
  };
}
