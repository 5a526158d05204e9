/**
 * Replays a synthetic run through the live dashboard, at `--speed` times real time
 * (default 4): `npx tsx packages/dashboard/demo.ts [--speed 8] [--plain] [--classification]`.
 * Press q (or Ctrl+C) to stop it after the current step, as in a real run.
 */
import { RunEvents } from '@sieve/core';
import type { RunEvent } from '@sieve/core';
import { createPlainLogger, mountDashboard, shouldUseDashboard } from './src/index';
import { syntheticRunEvents, type SyntheticRunOptions } from './src/testing/index';

function flagValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const speed = Number(flagValue('--speed') ?? 4);
if (!(speed > 0)) {
  process.stderr.write('--speed: must be a positive number of times real time, e.g. --speed 4\n');
  process.exit(2);
}
const runOptions: SyntheticRunOptions = {
  runId: 'demo',
  taskKind: process.argv.includes('--classification') ? 'classification' : 'contrastive',
  totalSteps: 1500,
  evalEvery: 50,
  stepEventEvery: 1,
  seed: 7,
};

/** Seconds into the run at which each event happens, from the run's own clock. */
function timeline(events: RunEvent[]): number[] {
  let clock = 0;
  return events.map((event) => {
    if (event.type === 'step') clock = Math.max(clock, event.elapsedSeconds);
    else if (event.type === 'phase-end' && event.phase !== 'training') clock += event.seconds;
    return clock;
  });
}

const bus = new RunEvents();
let stopAtStep: number | null = null;
let interrupts = 0;
const requestStop = () => {
  stopAtStep ??= currentStep;
  screen?.markStopping();
};
process.on('SIGINT', () => {
  if (++interrupts > 1) process.exit(130);
  requestStop();
});
const plain = process.argv.includes('--plain') || !shouldUseDashboard('auto', process.env, process.stdout);
const screen = plain ? null : mountDashboard(bus, { onStopRequested: requestStop });
if (plain) createPlainLogger(bus, (line) => process.stdout.write(`${line}\n`));

let currentStep = 0;
let events = syntheticRunEvents(runOptions);
let times = timeline(events);
const startMs = Date.now();
for (let i = 0; i < events.length; i++) {
  if (stopAtStep !== null && events[i].type === 'step') {
    // Same seed, stopped early: identical up to that step, then its final point and run-end.
    const stopped = syntheticRunEvents({ ...runOptions, stopAfterStep: stopAtStep });
    const resumeAt = stopped.findIndex((event) => event.type === 'step' && event.step === stopAtStep) + 1;
    events = [...events.slice(0, i), ...stopped.slice(resumeAt)];
    times = timeline(events);
    stopAtStep = Number.POSITIVE_INFINITY;
  }
  if (i >= events.length) break;
  const waitMs = startMs + (times[i] * 1000) / speed - Date.now();
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  const event = events[i];
  if (event.type === 'step') currentStep = event.step;
  bus.emit(event);
  // As the engine does between steps: let timers (the dashboard) run.
  await new Promise((resolve) => setImmediate(resolve));
}
await new Promise((resolve) => setTimeout(resolve, 1500));
await screen?.unmount();
process.exit(0);
