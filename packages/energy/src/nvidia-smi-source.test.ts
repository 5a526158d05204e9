import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installFakeNvidiaSmi } from '../test-support/fake-nvidia-smi';
import { createEnergyMeter } from './create-energy-meter';
import { NvidiaSmiSource } from './nvidia-smi-source';
import { removeTempDirs } from '@sieve/core/testing';

afterAll(removeTempDirs);

type Corners = Array<[number, number]>;

// Two GPUs with known piecewise-linear power (seconds since SIEVE_FAKE_EPOCH_MS, watts), flat outside the corners.
const GPU0: Corners = [
  [0, 100],
  [1, 100],
  [2, 300],
  [3, 300],
  [3.5, 150],
];
const GPU1: Corners = [
  [0, 50],
  [0.5, 50],
  [2.5, 250],
];

function wattsAt(corners: Corners, t: number): number {
  if (t <= corners[0][0]) return corners[0][1];
  for (let k = 0; k < corners.length - 1; k++) {
    const [t0, w0] = corners[k];
    const [t1, w1] = corners[k + 1];
    if (t <= t1) return w0 + ((w1 - w0) * (t - t0)) / (t1 - t0);
  }
  return corners[corners.length - 1][1];
}

/** The exact integral over [a, b]: power is linear between consecutive breakpoints, so each piece is a trapezoid. */
function exactJoules(corners: Corners, a: number, b: number): number {
  const breaks = [a, ...corners.map(([t]) => t).filter((t) => t > a && t < b), b];
  let joules = 0;
  for (let k = 0; k < breaks.length - 1; k++) joules += ((breaks[k + 1] - breaks[k]) * (wattsAt(corners, breaks[k]) + wattsAt(corners, breaks[k + 1]))) / 2;
  return joules;
}

const fake = installFakeNvidiaSmi();
const savedEnv = { ...process.env };

beforeAll(() => {
  process.env.PATH = `${fake.binDir}:${process.env.PATH ?? ''}`;
  process.env.SIEVE_FAKE_GPUS = JSON.stringify([
    { name: 'Fake H100', corners: GPU0 },
    { name: 'Fake H100', corners: GPU1 },
  ]);
  process.env.SIEVE_FAKE_PID_FILE = fake.pidFile;
});
beforeEach(() => {
  process.env.SIEVE_FAKE_MODE = 'normal';
});
afterAll(() => {
  process.env = savedEnv;
});

function pids(): number[] {
  try {
    return readFileSync(fake.pidFile, 'utf8').trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('NvidiaSmiSource probe', () => {
  it('finds the GPUs and prefers power.draw.instant', async () => {
    const probe = await new NvidiaSmiSource('nvidia-smi', 100).probe();
    expect(probe).toEqual({
      available: true,
      devices: ['gpu0', 'gpu1'],
      detail: '2 GPUs (2 x Fake H100): power.draw.instant every 100 ms from one nvidia-smi process, integrated by trapezoid',
    });
  });

  it('falls back to power.draw on a driver without power.draw.instant, and says what that means', async () => {
    process.env.SIEVE_FAKE_MODE = 'no-instant';
    const probe = await new NvidiaSmiSource('nvidia-smi', 100).probe();
    expect(probe.available).toBe(true);
    expect(probe.detail).toContain('power.draw (a 1 s average on Ampere and newer; this driver has no power.draw.instant)');
  });

  it('says why when nvidia-smi is missing, finds no GPU, or reads no power', async () => {
    expect(await new NvidiaSmiSource('/nonexistent/nvidia-smi', 100).probe()).toEqual({
      available: false,
      devices: [],
      detail: '/nonexistent/nvidia-smi not found: no NVIDIA driver tools on PATH (install the NVIDIA driver, or set nvidiaSmiPath)',
    });
    process.env.SIEVE_FAKE_MODE = 'no-devices';
    expect((await new NvidiaSmiSource('nvidia-smi', 100).probe()).detail).toBe('nvidia-smi could not list the GPUs: No devices were found (exit code 6)');
    process.env.SIEVE_FAKE_MODE = 'not-supported';
    expect((await new NvidiaSmiSource('nvidia-smi', 100).probe()).detail).toBe(
      'nvidia-smi gives no power reading: gpu0 reads power.draw.instant [Not Supported], power.draw [Not Supported]; ' +
        'gpu1 reads power.draw.instant [Not Supported], power.draw [Not Supported]; ' +
        'nvidia-smi -q -d POWER says GPU Power Readings > Instantaneous Power Draw: N/A',
    );
  });
});

describe('NvidiaSmiSource end to end, with a fake nvidia-smi first on PATH', () => {
  it('measures each GPU within 1% of the exact integral, then survives the sampler being killed twice', async () => {
    const epochMs = Date.now();
    process.env.SIEVE_FAKE_EPOCH_MS = String(epochMs);
    const meter = createEnergyMeter({ sources: ['nvidia-smi'], sampleIntervalMs: 50 });
    const warnings: string[] = [];
    meter.onWarning((message) => warnings.push(message));
    await meter.start();
    expect(meter.sources()[0]).toMatchObject({ name: 'nvidia-smi', available: true, measured: true, devices: ['gpu0', 'gpu1'] });
    expect(pids()).toHaveLength(1); // one long-running process, not one per sample

    await sleep(150);
    const beginSeconds = (Date.now() - epochMs) / 1000;
    meter.beginWindow('trace');
    await sleep(epochMs + 4000 - Date.now());
    const endSeconds = (Date.now() - epochMs) / 1000;
    const trace = meter.endWindow('trace');

    for (const [device, corners] of [
      ['gpu0', GPU0],
      ['gpu1', GPU1],
    ] as const) {
      const exact = exactJoules(corners, beginSeconds, endSeconds);
      expect(Math.abs(trace.joulesByDevice[device] - exact) / exact, `${device}: ${trace.joulesByDevice[device]} J against ${exact} J`).toBeLessThan(0.01);
    }
    expect(trace.measured).toBe(true);
    expect(trace.coverage).toBeGreaterThan(0.99);
    expect(meter.powerWatts()).toBeCloseTo(150 + 250, 0);
    expect(warnings).toEqual([]);

    // Kill the sampler: it is restarted once, with a warning.
    meter.beginWindow('killed');
    process.kill(pids()[0], 'SIGKILL');
    await waitFor(() => pids().length === 2, 'the restarted nvidia-smi');
    await waitFor(() => warnings.some((w) => w.includes('restarting it once')), 'the restart warning');
    await sleep(400);
    // Kill it again: the source fails, the meter says so and carries on.
    process.kill(pids()[1], 'SIGKILL');
    await waitFor(() => warnings.some((w) => w.includes('no other source can measure gpu0, gpu1')), 'the failure warning');
    await sleep(1000);
    const killed = meter.endWindow('killed');
    expect(killed.coverage).toBeGreaterThan(0);
    expect(killed.coverage).toBeLessThan(1);
    expect(Number.isFinite(killed.joules)).toBe(true);
    expect(warnings).toEqual([
      'nvidia-smi: the sampling process stopped (killed by SIGKILL); restarting it once',
      'nvidia-smi failed: the sampling process stopped again (killed by SIGKILL) after one restart',
      'no other source can measure gpu0, gpu1: their energy is no longer counted (windows report coverage below 1)',
    ]);
    expect(meter.sources()[0]).toMatchObject({ available: false, detail: expect.stringContaining('failed during the run') });
    expect(meter.meterCpuSeconds()).toBeGreaterThan(0);
    await meter.stop();
  });
});
