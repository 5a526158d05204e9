/**
 * The GPU check: trains the default preset for a fixed number of steps on each backend named
 * (webgpu, then wasm), and prints side by side the steps per second, the device each backend
 * reports, the GPU's joules from NVML's energy counter and from nvidia-smi's power readings over
 * the same windows, and the final scores. Writes the figures to `<out>/gpu-check.json`.
 *
 *   node gpu-check.mjs [--steps 200] [--backends webgpu,wasm] [--out gpu-check-out]
 *   npx tsx tools/gpu-check/src/gpu-check.ts ...      (from a checkout)
 *
 * Exit status: 0 when every backend trained, NVML and nvidia-smi both measured the GPU's joules over
 * each run and they agree within 2%; 1 otherwise (it prints which figure failed); 2 for a bad flag.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { BACKEND_NAMES, RunEvents } from '@sieve/core';
import { createEnergyMeter } from '@sieve/energy';
import { initBackend } from '@sieve/models';
import { createPlainLogger } from '@sieve/dashboard';
import { resolveRunConfig, trainInProcess } from '@sieve/trainer';
import { PairedMeter, relativeDifference, sourceJoules } from './paired-meter';

/** NVML against nvidia-smi over one whole run: the agreement the check requires. */
export const AGREEMENT = 0.02;

interface BackendFigures {
  backend: string;
  /** Why it did not train, when it did not. */
  error: string | null;
  device: string | null;
  onGpu: boolean;
  steps: number;
  stepsPerSecond: number | null;
  wallSeconds: number | null;
  finalScore: number | null;
  bestScore: number | null;
  gpuJoules: { nvml: number | null; nvidiaSmi: number | null; relativeDifference: number | null };
}

const { values: flags } = parseArgs({
  options: {
    steps: { type: 'string', default: '200' },
    backends: { type: 'string', default: 'webgpu,wasm' },
    out: { type: 'string', default: 'gpu-check-out' },
  },
});

const steps = Number(flags.steps);
const backends = flags.backends.split(',').map((name) => name.trim());
const badBackend = backends.find((name) => !(BACKEND_NAMES as readonly string[]).includes(name) || name === 'auto');
if (!Number.isInteger(steps) || steps < 1 || badBackend !== undefined) {
  console.error(
    badBackend !== undefined
      ? `error: --backends: "${badBackend}" is not a backend; name some of ${BACKEND_NAMES.filter((n) => n !== 'auto').join(', ')}`
      : `error: --steps takes a whole number above 0, got "${flags.steps}"`,
  );
  process.exit(2);
}
const out = resolve(flags.out);
mkdirSync(out, { recursive: true });

const meter = new PairedMeter(createEnergyMeter({ sources: ['nvml', 'rapl', 'estimate'] }), createEnergyMeter({ sources: ['nvidia-smi'] }));
meter.onWarning((message) => console.log(`warning: ${message}`));
await meter.start();
for (const source of meter.sources()) console.log(`meter ${source.name}: ${source.available ? `in use (${source.devices.join(', ')})` : 'not available'}: ${source.detail}`);

const results: BackendFigures[] = [];
try {
  for (const backend of backends) results.push(await checkBackend(backend));
} finally {
  await meter.stop();
}

const report = {
  version: 1,
  date: new Date().toISOString(),
  node: process.version,
  gpu: nvidiaSmiGpu(),
  preset: 'default',
  steps,
  agreementRequired: AGREEMENT,
  meters: meter.sources().map(({ name, available, devices, detail }) => ({ name, available, devices, detail })),
  backends: results,
};
writeFileSync(join(out, 'gpu-check.json'), `${JSON.stringify(report, null, 2)}\n`);
printTable(results);
console.log(`figures written to ${join(out, 'gpu-check.json')}`);

const trained = results.filter((r) => r.error === null);
const failures = [
  ...results.filter((r) => r.error !== null).map((r) => `${r.backend} did not train: ${r.error}`),
  ...trained.filter((r) => r.gpuJoules.nvml === null).map((r) => `${r.backend}: NVML measured no GPU joules (${detailOf('nvml')})`),
  ...trained.filter((r) => r.gpuJoules.nvidiaSmi === null).map((r) => `${r.backend}: nvidia-smi measured no GPU joules (${detailOf('nvidia-smi')})`),
  ...results
    .filter((r) => r.gpuJoules.relativeDifference !== null && r.gpuJoules.relativeDifference > AGREEMENT)
    .map((r) => `${r.backend}: NVML and nvidia-smi differ by ${(100 * r.gpuJoules.relativeDifference!).toFixed(2)}%, over ${100 * AGREEMENT}%`),
];
for (const failure of failures) console.log(`FAILED: ${failure}`);
process.exit(failures.length > 0 ? 1 : 0);

async function checkBackend(backend: string): Promise<BackendFigures> {
  const figures: BackendFigures = {
    backend,
    error: null,
    device: null,
    onGpu: false,
    steps,
    stepsPerSecond: null,
    wallSeconds: null,
    finalScore: null,
    bestScore: null,
    gpuJoules: { nvml: null, nvidiaSmi: null, relativeDifference: null },
  };
  console.log(`\n== ${backend}: the default preset for ${steps} steps`);
  try {
    const config = resolveRunConfig({
      preset: 'default',
      flags: { steps, evalEvery: steps, backend: backend as never, out: join(out, 'runs', backend), dashboard: false },
    });
    const info = await initBackend(config.backend);
    figures.device = info.device ?? null;
    figures.onGpu = info.onGpu === true;
    meter.beginWindow(`run:${backend}`);
    try {
      // In this thread, under this check's own meter: the check is its own supervisor.
      const events = new RunEvents();
      const write = (line: string) => console.log(line);
      createPlainLogger(events, write);
      const summary = await trainInProcess(config, { overwrite: true, resume: false, write, events, control: { stopRequested: false }, meter });
      figures.stepsPerSecond = summary.stepsPerSecond;
      figures.wallSeconds = summary.wallSeconds;
      figures.finalScore = summary.finalPoint?.score ?? null;
      figures.bestScore = summary.bestScore;
      if (summary.status !== 'completed') figures.error = `the run ended ${summary.status}${summary.failure ? `: ${summary.failure.message}` : ''}`;
    } finally {
      meter.endWindow(`run:${backend}`);
    }
    const { primary, secondary } = meter.windows(`run:${backend}`).at(-1)!;
    const nvml = sourceJoules(primary, 'nvml');
    const nvidiaSmi = sourceJoules(secondary, 'nvidia-smi');
    figures.gpuJoules = { nvml, nvidiaSmi, relativeDifference: relativeDifference(nvml, nvidiaSmi) };
  } catch (error) {
    figures.error = error instanceof Error ? error.message : String(error);
    console.log(`${backend}: ${figures.error}`);
  }
  return figures;
}

function detailOf(source: string): string {
  return meter.sources().find((status) => status.name === source)?.detail ?? 'not probed';
}

/** The GPU's name and driver as nvidia-smi gives them, or null without one. */
function nvidiaSmiGpu(): string | null {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,power.limit', '--format=csv,noheader'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

function printTable(rows: BackendFigures[]): void {
  const cell = (value: number | null, digits: number) => (value === null ? '–' : value.toFixed(digits));
  const percent = (value: number | null) => (value === null ? '–' : `${(100 * value).toFixed(2)}%`);
  console.log('\nbackend    device                                   steps/s   NVML J   nvidia-smi J   differ   final score   best score');
  for (const r of rows) {
    const device = (r.error ? `(${r.error})` : (r.device ?? (r.onGpu ? 'GPU' : 'CPU'))).slice(0, 40);
    console.log(
      `${r.backend.padEnd(10)} ${device.padEnd(40)} ${cell(r.stepsPerSecond, 2).padStart(8)} ${cell(r.gpuJoules.nvml, 1).padStart(8)} ${cell(r.gpuJoules.nvidiaSmi, 1).padStart(14)} ${percent(r.gpuJoules.relativeDifference).padStart(8)} ${cell(r.finalScore, 4).padStart(13)} ${cell(r.bestScore, 4).padStart(12)}`,
    );
  }
}
