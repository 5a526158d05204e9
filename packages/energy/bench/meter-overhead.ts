/**
 * Meter overhead: runs a CPU-busy workload for a while (default 10 s) with the meter
 * sampling every 100 ms, shaped like the engine's loop with the MLP tower: steps of about
 * 30 ms (scoring 8 ms, training 22 ms), each phase in its own window, inside a run window.
 * Prints the meter's CPU time against the process's; the protocol asks for under 1%.
 *
 *   npx tsx packages/energy/bench/meter-overhead.ts [seconds] [step milliseconds]
 */
import { performance } from 'node:perf_hooks';
import { createEnergyMeter } from '../src/index';

const seconds = Number(process.argv[2] ?? 10);
const stepMilliseconds = Number(process.argv[3] ?? 30);

/** Floating-point work (48 x 48 matrix products) for about `milliseconds`. */
function busyFor(milliseconds: number, a: Float64Array, b: Float64Array, out: Float64Array): number {
  const n = 48;
  const end = performance.now() + milliseconds;
  let checksum = 0;
  do {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
        out[i * n + j] = sum;
      }
    }
    checksum += out[0];
  } while (performance.now() < end);
  return checksum;
}

async function main(): Promise<void> {
  const meter = createEnergyMeter({ sampleIntervalMs: 100 });
  await meter.start();
  const a = Float64Array.from({ length: 48 * 48 }, (_, i) => (i % 7) / 7);
  const b = Float64Array.from({ length: 48 * 48 }, (_, i) => (i % 5) / 5);
  const out = new Float64Array(48 * 48);

  const cpuBefore = process.cpuUsage();
  const meterBefore = meter.meterCpuSeconds();
  const wallStart = performance.now();
  let steps = 0;
  let checksum = 0;
  meter.beginWindow('run');
  while (performance.now() - wallStart < seconds * 1000) {
    meter.beginWindow('scoring');
    checksum += busyFor(stepMilliseconds * 0.27, a, b, out);
    meter.endWindow('scoring');
    meter.beginWindow('training');
    checksum += busyFor(stepMilliseconds * 0.73, a, b, out);
    meter.endWindow('training');
    steps++;
    // Let the sampling timer run between steps, as the engine does.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const run = meter.endWindow('run');
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const processCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const meterCpuSeconds = meter.meterCpuSeconds() - meterBefore;
  const windowCalls = 4 * steps + 2;

  // The cost of one begin/end pair in a tight loop (warm caches), for comparison.
  const pairs = 100_000;
  const pairStart = performance.now();
  for (let i = 0; i < pairs; i++) {
    meter.beginWindow('pair');
    meter.endWindow('pair');
  }
  const warmMicrosecondsPerPair = ((performance.now() - pairStart) * 1000) / pairs;
  await meter.stop();

  const percent = (100 * meterCpuSeconds) / processCpuSeconds;
  const sources = meter.sourcesInUse().map((s) => `${s.name} (${s.measured ? 'measured' : 'estimated'})`).join(', ');
  console.log(`sources: ${sources || 'none'}`);
  console.log(`workload: ${steps} steps of ~${stepMilliseconds} ms, ${windowCalls} window calls, ${wallSeconds.toFixed(2)} s (checksum ${checksum.toFixed(0)})`);
  console.log(`process CPU: ${processCpuSeconds.toFixed(3)} s; meter CPU: ${(meterCpuSeconds * 1000).toFixed(1)} ms = ${percent.toFixed(3)}% of the process`);
  console.log(`meter CPU per window call, in the workload (cold caches): ${((meterCpuSeconds * 1e6) / windowCalls).toFixed(1)} µs (sampling ticks included)`);
  console.log(`one beginWindow + endWindow pair in a tight loop (warm caches): ${warmMicrosecondsPerPair.toFixed(2)} µs`);
  console.log(`energy of the run: ${run.joules.toFixed(2)} J (${run.measured ? 'measured' : 'estimated'}, coverage ${(run.coverage * 100).toFixed(1)}%)`);
  console.log(percent < 1 ? 'PASS: meter overhead under 1%' : 'FAIL: meter overhead is 1% or more');
  if (percent >= 1) process.exitCode = 1;
}

void main();
