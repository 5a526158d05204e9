// A stand-in for nvidia-smi that streams rows for a known power trace, for tests.
// Environment:
//   SIEVE_FAKE_GPUS      JSON [{ "name": "...", "corners": [[seconds, watts], ...] }, ...]
//   SIEVE_FAKE_EPOCH_MS  wall-clock ms at which the trace's time is 0 (shared across restarts)
//   SIEVE_FAKE_PID_FILE  each streaming process appends its pid here
//   SIEVE_FAKE_MODE      normal | no-instant | no-devices | not-supported
import { appendFileSync } from 'node:fs';
import { setInterval } from 'node:timers';

const args = process.argv.slice(2);
const mode = process.env.SIEVE_FAKE_MODE ?? 'normal';
const gpus = JSON.parse(process.env.SIEVE_FAKE_GPUS ?? '[{"name":"Fake GPU","corners":[[0,100]]}]');
const epochMs = Number(process.env.SIEVE_FAKE_EPOCH_MS ?? Date.now());

if (mode === 'no-devices') {
  process.stdout.write('No devices were found\n');
  process.exit(6);
}

if (args.includes('--help-query-gpu')) {
  process.stdout.write('"power.draw"\nThe last measured power draw for the entire board, in watts.\n\n');
  if (mode !== 'no-instant') process.stdout.write('"power.draw.instant" or "gpu.power.draw.instant"\nThe last measured instant power draw.\n\n');
  process.exit(0);
}

if (args[0] === '-q') {
  process.stdout.write('GPU 00000000:01:00.0\n    GPU Power Readings\n        Instantaneous Power Draw          : N/A\n');
  process.exit(0);
}

const fields = (args.find((a) => a.startsWith('--query-gpu=')) ?? '--query-gpu=').slice('--query-gpu='.length).split(',');
if (mode === 'no-instant' && fields.includes('power.draw.instant')) {
  process.stdout.write('Field "power.draw.instant" is not a valid field to query.\n');
  process.exit(2);
}

/** Power at `t` seconds: linear between corners, flat before the first and after the last. */
function wattsAt(corners, t) {
  if (t <= corners[0][0]) return corners[0][1];
  for (let k = 0; k < corners.length - 1; k++) {
    const [t0, w0] = corners[k];
    const [t1, w1] = corners[k + 1];
    if (t <= t1) return w0 + ((w1 - w0) * (t - t0)) / (t1 - t0);
  }
  return corners[corners.length - 1][1];
}

const pad = (n, width = 2) => String(n).padStart(width, '0');
function timestamp(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function tick() {
  const nowMs = Date.now();
  const t = (nowMs - epochMs) / 1000;
  let out = '';
  gpus.forEach((gpu, index) => {
    const cells = fields.map((field) => {
      if (field === 'timestamp') return timestamp(nowMs);
      if (field === 'index') return String(index);
      if (field === 'name') return gpu.name;
      if (field.startsWith('power.draw')) return mode === 'not-supported' ? '[Not Supported]' : wattsAt(gpu.corners, t).toFixed(2);
      return '[N/A]';
    });
    out += `${cells.join(', ')}\n`;
  });
  process.stdout.write(out);
}

const loopIndex = args.indexOf('-lms');
if (loopIndex < 0) {
  tick();
} else {
  if (process.env.SIEVE_FAKE_PID_FILE) appendFileSync(process.env.SIEVE_FAKE_PID_FILE, `${process.pid}\n`);
  tick();
  setInterval(tick, Number(args[loopIndex + 1]));
}
