import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEnergyMeter } from './create-energy-meter';
import { findRaplZones, RaplSource } from './rapl-source';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';

afterAll(removeTempDirs);

const RANGE = 262143328850n; // a real max_energy_range_uj

/** Writes a powercap tree like /sys/class/powercap: zone folders with name, energy_uj, max_energy_range_uj. */
function powercapTree(zones: Record<string, { name: string; energy: bigint }>): string {
  const root = tempDir('sieve-powercap-');
  for (const [zone, { name, energy }] of Object.entries(zones)) {
    const dir = join(root, zone);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'name'), `${name}\n`);
    writeFileSync(join(dir, 'energy_uj'), `${energy}\n`);
    writeFileSync(join(dir, 'max_energy_range_uj'), `${RANGE}\n`);
  }
  return root;
}

describe('findRaplZones', () => {
  it('counts packages and their DRAM, and leaves out core, uncore and psys', () => {
    const root = powercapTree({
      'intel-rapl:0': { name: 'package-0', energy: 1n },
      'intel-rapl:0:0': { name: 'core', energy: 1n },
      'intel-rapl:0:1': { name: 'dram', energy: 1n },
      'intel-rapl:1': { name: 'package-1', energy: 1n },
      'intel-rapl:1/intel-rapl:1:0': { name: 'dram', energy: 1n }, // only nested, as some kernels lay it out
      'intel-rapl:2': { name: 'psys', energy: 1n },
      'intel-rapl-mmio:0': { name: 'package-0', energy: 1n },
    });
    const found = findRaplZones(root);
    expect('zones' in found && found.zones.map((z) => [z.device, z.energyFile.slice(root.length), z.rangeMicrojoules])).toEqual([
      ['cpu-package0', '/intel-rapl:0/energy_uj', RANGE],
      ['cpu-package1', '/intel-rapl:1/energy_uj', RANGE],
      ['cpu-dram0', '/intel-rapl:0:1/energy_uj', RANGE],
      ['cpu-dram1', '/intel-rapl:1/intel-rapl:1:0/energy_uj', RANGE],
    ]);
  });

  it('says why when there is no powercap folder or no RAPL zone', () => {
    expect(findRaplZones('/no/such/powercap')).toEqual({
      problem: 'no /no/such/powercap: this kernel or container has no powercap interface, so CPU energy cannot be read here',
    });
    const empty = tempDir('sieve-powercap-');
    expect(findRaplZones(empty)).toMatchObject({ problem: expect.stringContaining('no intel-rapl zones') });
  });

  it('names the file that cannot be read: a directory in place of energy_uj', () => {
    const root = powercapTree({ 'intel-rapl:0': { name: 'package-0', energy: 1n } });
    const file = join(root, 'intel-rapl:0', 'energy_uj');
    // Unreadable even by root: replace the counter file by a directory.
    spawnSync('rm', [file]);
    mkdirSync(file);
    expect(findRaplZones(root)).toEqual({ problem: `cannot read ${file}: it is a directory, not a counter; RAPL cannot be used` });
  });

  it('names the file that cannot be read: a link to nothing', () => {
    const root = powercapTree({ 'intel-rapl:0': { name: 'package-0', energy: 1n } });
    const file = join(root, 'intel-rapl:0', 'energy_uj');
    spawnSync('rm', [file]);
    symlinkSync(join(root, 'gone'), file);
    expect(findRaplZones(root)).toEqual({ problem: `cannot read ${file}: it does not exist (a link to nothing?); RAPL cannot be used` });
  });

  it('explains the root-only counters of Linux 5.10+ and how to allow reading (run as an unprivileged user)', () => {
    const root = powercapTree({ 'intel-rapl:0': { name: 'package-0', energy: 1n } });
    const file = join(root, 'intel-rapl:0', 'energy_uj');
    chmodSync(file, 0o400); // like the kernel's 0400 root-owned counter
    chmodSync(root, 0o755);
    const isRoot = process.getuid?.() === 0;
    let problem: string;
    if (isRoot) {
      // Root reads anything, so look from the `nobody` account as an ordinary user would.
      const module = fileURLToPath(new URL('./rapl-source.ts', import.meta.url));
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', '-e', `import(${JSON.stringify(module)}).then((m) => console.log(JSON.stringify(m.findRaplZones(${JSON.stringify(root)}))))`],
        { uid: 65534, gid: 65534, encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)), env: withoutColorSettings(process.env) },
      );
      expect(child.stderr).toBe('');
      problem = JSON.parse(child.stdout).problem;
    } else {
      chmodSync(file, 0o000);
      problem = (findRaplZones(root) as { problem: string }).problem;
    }
    expect(problem).toBe(
      `cannot read ${file}: permission denied. Since Linux 5.10 the RAPL energy counters are readable by root only. ` +
        `Run as root, or allow reading until the next reboot: sudo chmod o+r ${root}/intel-rapl:*/energy_uj ${root}/intel-rapl:*:*/energy_uj`,
    );
  });
});

describe('RaplSource in the meter', () => {
  it('measures package and DRAM joules across a counter wrap', async () => {
    const root = powercapTree({
      'intel-rapl:0': { name: 'package-0', energy: RANGE - 1_000_000n },
      'intel-rapl:0:0': { name: 'dram', energy: 1_000_000n },
    });
    const meter = createEnergyMeter({ sources: ['rapl'], powercapRoot: root });
    await meter.start();
    expect(meter.sources()[0]).toMatchObject({ name: 'rapl', available: true, measured: true, devices: ['cpu-package0', 'cpu-dram0'] });
    meter.beginWindow('w');
    // Package: 1 J to the wrap, then 4 J; DRAM: 2.5 J.
    writeFileSync(join(root, 'intel-rapl:0', 'energy_uj'), '4000000\n');
    writeFileSync(join(root, 'intel-rapl:0:0', 'energy_uj'), '3500000\n');
    const w = meter.endWindow('w');
    await meter.stop();
    expect(w.joulesByDevice).toEqual({ 'cpu-package0': 5, 'cpu-dram0': 2.5 });
    expect(w.joulesBySource).toEqual({ rapl: 7.5 });
    expect(w.measured).toBe(true);
    expect(w.coverage).toBe(1);
  });

  it('is unavailable, with the reason, where this machine has no RAPL', async () => {
    const probe = await new RaplSource('/no/such/powercap').probe();
    expect(probe.available).toBe(false);
    expect(probe.detail).toContain('no /no/such/powercap');
  });
});
