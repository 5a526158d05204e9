import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { CounterChannel } from './counter-channel';
import type { DeviceChannel } from './device-channel';
import type { DriverContext, EnergySourceDriver, ProbeResult } from './source-driver';

/** One RAPL zone Sieve counts: a CPU package, or the DRAM subzone of one. */
export interface RaplZone {
  /** `cpu-package0`, `cpu-dram0`. */
  device: string;
  energyFile: string;
  /** `max_energy_range_uj`: the counter wraps to 0 above it. */
  rangeMicrojoules: bigint;
}

const PACKAGE_ZONE = /^intel-rapl:(\d+)$/;
const SUB_ZONE = /^intel-rapl:(\d+):(\d+)$/;

/**
 * Finds the package zones (`intel-rapl:N`, named `package-N`) and their DRAM subzones
 * (`intel-rapl:N:M` named `dram`) under a powercap root, and checks each counter can be read.
 * Core, uncore and psys zones are left out: the first two are inside the package, psys
 * overlaps it. AMD CPUs appear under the same `intel-rapl` names. Subzones are looked for
 * both at the root (as in /sys/class/powercap) and inside their package's folder.
 */
export function findRaplZones(root: string): { zones: RaplZone[] } | { problem: string } {
  if (!existsSync(root)) {
    return { problem: `no ${root}: this kernel or container has no powercap interface, so CPU energy cannot be read here` };
  }
  try {
    const packageDirs = new Map<string, string>();
    const subzoneDirs = new Map<string, string>();
    for (const entry of readdirSync(root)) {
      if (PACKAGE_ZONE.test(entry)) packageDirs.set(entry, join(root, entry));
      else if (SUB_ZONE.test(entry)) subzoneDirs.set(entry, join(root, entry));
    }
    for (const [, dir] of packageDirs) {
      for (const entry of safeReaddir(dir)) if (SUB_ZONE.test(entry) && !subzoneDirs.has(entry)) subzoneDirs.set(entry, join(dir, entry));
    }
    if (packageDirs.size === 0) {
      return { problem: `no intel-rapl zones under ${root}: this CPU or kernel does not expose RAPL (needs the intel_rapl_common driver)` };
    }
    const zones: RaplZone[] = [];
    const packageNumberOfZone = new Map<string, number>();
    for (const [zoneName, dir] of [...packageDirs].sort(byZoneNumbers)) {
      const name = readText(join(dir, 'name'));
      const match = /^package-(\d+)$/.exec(name);
      if (!match) continue; // psys and the like
      packageNumberOfZone.set(zoneName.split(':')[1], Number(match[1]));
      zones.push(zoneOf(`cpu-package${match[1]}`, dir));
    }
    for (const [zoneName, dir] of [...subzoneDirs].sort(byZoneNumbers)) {
      const packageNumber = packageNumberOfZone.get(zoneName.split(':')[1]);
      if (packageNumber === undefined || readText(join(dir, 'name')) !== 'dram') continue;
      zones.push(zoneOf(`cpu-dram${packageNumber}`, dir));
    }
    if (zones.length === 0) return { problem: `no package zone under ${root} (zones there are named otherwise)` };
    return { zones };
  } catch (error) {
    return { problem: describeReadFailure(error, root) };
  }
}

/** Why a powercap file could not be read, and the fix. */
export function describeReadFailure(error: unknown, root: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  const file = (error as NodeJS.ErrnoException).path ?? 'a powercap file';
  if (code === 'EACCES' || code === 'EPERM') {
    return (
      `cannot read ${file}: permission denied. Since Linux 5.10 the RAPL energy counters are readable by root only. ` +
      `Run as root, or allow reading until the next reboot: sudo chmod o+r ${root}/intel-rapl:*/energy_uj ${root}/intel-rapl:*:*/energy_uj`
    );
  }
  if (code === 'ENOENT') return `cannot read ${file}: it does not exist (a link to nothing?); RAPL cannot be used`;
  if (code === 'EISDIR') return `cannot read ${file}: it is a directory, not a counter; RAPL cannot be used`;
  return `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
}

export class RaplSource implements EnergySourceDriver {
  readonly name = 'rapl';
  readonly group = 'cpu';
  readonly measured = true;
  private zones: RaplZone[] = [];
  private readonly fds: number[] = [];

  constructor(private readonly powercapRoot: string) {}

  async probe(): Promise<ProbeResult> {
    const found = findRaplZones(this.powercapRoot);
    if ('problem' in found) return { available: false, devices: [], detail: found.problem };
    this.zones = found.zones;
    return {
      available: true,
      devices: found.zones.map((z) => z.device),
      detail: `RAPL energy counters (${found.zones.map((z) => z.device).join(', ')}) read at every window boundary; the whole CPU package, not only this process`,
    };
  }

  async start(context: DriverContext): Promise<DeviceChannel[]> {
    if (this.zones.length === 0) await this.probe();
    const buffer = Buffer.alloc(32);
    const now = context.now();
    return this.zones.map((zone) => {
      // One open file per zone, read again from offset 0: sysfs regenerates the value on each read.
      const fd = openSync(zone.energyFile, 'r');
      this.fds.push(fd);
      return new CounterChannel({
        device: zone.device,
        source: this.name,
        measured: true,
        readRaw: () => BigInt(buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0)).trim()),
        range: zone.rangeMicrojoules,
        joulesOf: (microjoules) => Number(microjoules) / 1e6,
        startSeconds: now,
        onFailure: (reason) => context.fail(`${zone.energyFile}: ${reason}`),
        onReset: () => context.warn(`${zone.energyFile} went backwards by more than a wrap; counting from its new value`),
      });
    });
  }

  async stop(): Promise<void> {
    for (const fd of this.fds.splice(0)) {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    }
  }
}

function zoneOf(device: string, dir: string): RaplZone {
  const energyFile = join(dir, 'energy_uj');
  readCounter(energyFile); // fails here, with the file's name, if it cannot be read
  const range = readCounter(join(dir, 'max_energy_range_uj'));
  return { device, energyFile, rangeMicrojoules: range > 0n ? range : 1n << 64n };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    // Some errors (EISDIR) do not say which file they are about.
    if (error instanceof Error && !('path' in error)) Object.assign(error, { path: file });
    throw error;
  }
}

function readCounter(file: string): bigint {
  const text = readText(file);
  if (!/^\d+$/.test(text)) throw Object.assign(new Error(`it holds "${text}", not a whole number`), { path: file });
  return BigInt(text);
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function byZoneNumbers([a]: [string, string], [b]: [string, string]): number {
  const na = a.split(':').slice(1).map(Number);
  const nb = b.split(':').slice(1).map(Number);
  return na[0] - nb[0] || (na[1] ?? 0) - (nb[1] ?? 0);
}
