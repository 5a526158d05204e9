/**
 * `nx run trainer:energy --replay FILE` as a user types it: what the meter makes of a recorded
 * power trace, and a bad trace refused with the file, the line and the fix (exit code 2 from the
 * target's own script; Nx turns every failure into 1).
 */
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';

afterAll(removeTempDirs);

const repoRoot = resolve(import.meta.dirname, '../../..');
const env = { ...withoutColorSettings(), CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const MINUTES = 60_000;

const nxEnergy = (args: string[]) =>
  execa('npx', ['nx', 'run', 'trainer:energy', ...args], { cwd: repoRoot, env, extendEnv: false, reject: false, all: true, timeout: 3 * MINUTES });
const scriptEnergy = (args: string[]) =>
  execa('packages/trainer/bin/sieve-energy', args, { cwd: repoRoot, env, extendEnv: false, reject: false, all: true, timeout: 3 * MINUTES });

function traceFile(name: string, text: string): string {
  const file = join(tempDir('sieve-energy-command-'), name);
  writeFileSync(file, text);
  return file;
}

describe('nx run trainer:energy --replay FILE', () => {
  it('prints the joules, mean watts, duration, samples and source of the trace (hand-worked: 540 J over 2 s)', async () => {
    // gpu0: 100, 300, 300 W a second apart = 500 J; cpu: 10 W to 30 W over 2 s = 40 J.
    const file = traceFile('trace.csv', 'seconds,device,watts\n10,gpu0,100\n10,cpu,10\n11,gpu0,300\n12,gpu0,300\n12,cpu,30\n');
    const result = await nxEnergy(['--replay', file]);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain(
      [
        `Replayed ${file}: 5 samples over 2.000 s (coverage 100.0%)`,
        `Source: replay, not measured: replays 5 samples of gpu0, cpu over 2.0 s from ${file} (a recording, not this machine's sensors)`,
        '',
        '  device      mean W        joules',
        '  cpu         20.000        40.000',
        '  gpu0         250.0         500.0',
        '  total        270.0         540.0',
      ].join('\n'),
    );

    const json = await nxEnergy(['--replay', file, '--json']);
    expect(json.exitCode, json.all).toBe(0);
    const report = JSON.parse(json.all.slice(json.all.indexOf('\n{') + 1, json.all.indexOf('\n}') + 2));
    expect(report).toMatchObject({ file, samples: 5, seconds: 2, joules: 540, meanWatts: 270, joulesByDevice: { gpu0: 500, cpu: 40 }, coverage: 1 });
  }, 4 * MINUTES);

  it('refuses a bad trace with one line naming the file, the line and the fix, and no stack trace', async () => {
    const file = traceFile('bad.csv', 'seconds,device,watts\n0,gpu0,1\n0.5,gpu0,-2\n');
    const message = `error: --replay: ${file} line 3: watts must be a number >= 0, got -2.`;
    const throughNx = await nxEnergy(['--replay', file]);
    expect(throughNx.exitCode).toBe(1);
    expect(throughNx.all).toContain(message);
    const direct = await scriptEnergy(['--replay', file]);
    expect(direct.exitCode).toBe(2);
    expect(direct.stderr).toBe(message);
    expect(direct.stdout).toBe('');

    const missing = join(tempDir('sieve-energy-command-'), 'none.csv');
    const absent = await scriptEnergy(['--replay', missing]);
    expect(absent.exitCode).toBe(2);
    expect(absent.stderr).toMatch(new RegExp(`^error: --replay: no file at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; give a CSV with a header naming seconds, device and watts`));
  }, 4 * MINUTES);

  it('refuses the sampling flags beside --replay, naming each', async () => {
    const file = traceFile('trace.csv', 'seconds,device,watts\n0,gpu0,1\n1,gpu0,1\n');
    for (const [flag, value] of [['--seconds', '3'], ['--sample-interval-ms', '50']]) {
      const result = await scriptEnergy(['--replay', file, flag, value]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe(`error: ${flag}: does not apply with --replay, whose trace sets the times; leave it out.`);
    }
  }, 4 * MINUTES);

  it("lists --replay in the target's --help, shown in a terminal after Nx's own", async () => {
    // Nx prints the target's help only when stdout is a terminal; `script` gives the command one.
    const result = await execa('script', ['-qec', 'npx nx run trainer:energy --help', '/dev/null'], { cwd: repoRoot, env, extendEnv: false, reject: false, timeout: 3 * MINUTES });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Usage: sieve energy \[options\]/);
    expect(result.stdout).toMatch(/--replay <file>\s+instead of sampling, read a recorded power trace/);
  }, 4 * MINUTES);
});
