import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir, withoutColorSettings } from '@sieve/core/testing';
import { buildFakeNvml, installFakeNvidiaSmi, whyNoCompiler } from '@sieve/energy/testing';

afterAll(removeTempDirs);

const script = fileURLToPath(new URL('./gpu-check.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

/** Runs the check as a user would, in a fresh folder (its data and reference caches go there). */
function runCheck(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cwd = tempDir('sieve-gpu-check-');
  const result = spawnSync(tsx, [script, ...args], { cwd, encoding: 'utf8', env: { ...withoutColorSettings(), ...env }, timeout: 240_000 });
  return { ...result, cwd, output: `${result.stdout}${result.stderr}` };
}

describe('the GPU check', () => {
  it('refuses a backend that does not exist and a bad step count, naming the flag', () => {
    const badBackend = runCheck(['--backends', 'webgpu,cuda']);
    expect(badBackend.status).toBe(2);
    expect(badBackend.output).toContain('--backends: "cuda" is not a backend');
    const badSteps = runCheck(['--steps', '0']);
    expect(badSteps.status).toBe(2);
    expect(badSteps.output).toContain('--steps takes a whole number above 0');
  });

  it.skipIf(whyNoCompiler() !== null)(
    'trains the default preset on each backend, measures the GPU with both meters over the same window and fails when they disagree',
    () => {
      // A fake GPU at a steady 150 W for nvidia-smi, and a fake NVML whose energy counter never moves:
      // two meters that disagree completely, over one run on wasm and a webgpu that is not installed.
      const fakeNvml = buildFakeNvml();
      const { binDir } = installFakeNvidiaSmi();
      const out = join(tempDir('sieve-gpu-check-out-'), 'figures');
      const check = runCheck(['--steps', '3', '--backends', 'webgpu,wasm', '--out', out], {
        PATH: `${binDir}${delimiter}${process.env.PATH}`,
        SIEVE_NVML_LIBRARY: fakeNvml.libraryPath,
        SIEVE_FAKE_GPUS: JSON.stringify([{ name: 'Fake H200', corners: [[0, 150]] }]),
        SIEVE_FAKE_EPOCH_MS: String(Date.now()),
      });
      expect(check.status, check.output).toBe(1);
      const figures = JSON.parse(readFileSync(join(out, 'gpu-check.json'), 'utf8'));
      expect(figures.steps).toBe(3);
      expect(figures.meters.filter((m: { available: boolean }) => m.available).map((m: { name: string }) => m.name)).toEqual(
        expect.arrayContaining(['nvml', 'nvidia-smi']),
      );
      const [webgpu, wasm] = figures.backends;
      expect(webgpu.backend).toBe('webgpu');
      expect(webgpu.error).toContain('webgpu');
      expect(wasm).toMatchObject({ backend: 'wasm', error: null, onGpu: false, steps: 3 });
      expect(wasm.stepsPerSecond).toBeGreaterThan(0);
      expect(wasm.finalScore).toBeGreaterThan(0);
      // nvidia-smi integrated 150 W over the whole run (data, reference, training, evaluation).
      expect(wasm.gpuJoules.nvidiaSmi / wasm.wallSeconds).toBeGreaterThan(100);
      expect(wasm.gpuJoules.nvml).toBe(0);
      expect(wasm.gpuJoules.relativeDifference).toBeCloseTo(2, 6);
      expect(check.output).toMatch(/FAILED: wasm: NVML and nvidia-smi differ by 200\.00%, over 2%/);
      expect(check.output).toMatch(/FAILED: webgpu did not train/);
      expect(check.output).toMatch(/^wasm\s+CPU\s+[\d.]+\s+0\.0\s+[\d.]+\s+200\.00%/m);
    },
    300_000,
  );
});
