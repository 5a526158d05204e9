import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { PeerFigures, RunRecord, SystemsFigures } from '../analysis';
import { REPOSITORY_ROOT } from './scheduler';

/** How long the systems benchmarks run: the full bench measures longer than the smoke one. */
export interface SystemsPlan {
  overheadSteps: number;
  overheadRepeats: number;
  profileRepeats: number;
  /** Rounds of the PyTorch peer bench; 0 leaves it out. */
  peerRounds: number;
}

/** A script that exited with a code other than 0. */
class ScriptFailed extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Runs a TypeScript script of the repository in a child process and parses the last line it prints as JSON; `signal` ends it. */
async function jsonFromScript<T>(script: string, args: string[], signal: AbortSignal | undefined): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPOSITORY_ROOT, script), ...args], {
    cwd: REPOSITORY_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', FORCE_COLOR: '0' },
    signal,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('exit', resolve);
    child.on('error', reject);
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new ScriptFailed(`${script} exited with ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`, code, stderr);
  return JSON.parse(last) as T;
}

/**
 * The systems figures: the engine's overhead, the JEST selection cost and the per-part step profile, each measured by its own
 * benchmark in one process (run after the trainings, on a quiet machine), and the meter's CPU share
 * and the memory figures read from the runs themselves. `signal` ends the benchmark at work and rejects.
 */
export async function measureSystems(plan: SystemsPlan, runs: readonly RunRecord[], log: (line: string) => void, signal?: AbortSignal): Promise<SystemsFigures> {
  log(`systems: engine overhead (${plan.overheadRepeats} x ${plan.overheadSteps} steps, engine against a plain loop)`);
  const engineOverhead = await jsonFromScript<SystemsFigures['engineOverhead']>('tools/bench/engine-overhead.ts', [
    '--steps',
    String(plan.overheadSteps),
    '--repeats',
    String(plan.overheadRepeats),
    '--json',
  ], signal);
  log('systems: JEST selection cost');
  const jestSelection = await jsonFromScript<SystemsFigures['jestSelection']>('packages/selection/bench/jest-selection.ts', ['--json'], signal);
  log(`systems: per-part step profile (median of ${plan.profileRepeats})`);
  const stepProfile = await jsonFromScript<NonNullable<SystemsFigures['stepProfile']>>('tools/bench/step-profile.ts', [
    '--repeats',
    String(plan.profileRepeats),
    '--json',
  ], signal);
  const peer = plan.peerRounds > 0 ? await peerFigures(plan.peerRounds, log, signal) : null;
  return { engineOverhead, jestSelection, stepProfile, peer, meterCpuShare: meterShareOf(runs), memory: memoryOf(runs) };
}

/** What is read of peer-bench's --json summary. */
interface PeerBenchJson {
  torch: string;
  rounds: number;
  sieve: PeerFigures['sieve'];
  peers: ({ threads: number } & PeerFigures['pytorch'])[];
}

/**
 * The PyTorch peer's figures, with python3 or else Debian's /usr/bin/python3 (a pyenv or venv on
 * PATH often lacks torch); where neither imports torch (peer-bench exits 2) or the peer fails, why.
 * Never fails the bench: the peer is optional.
 */
async function peerFigures(rounds: number, log: (line: string) => void, signal: AbortSignal | undefined): Promise<SystemsFigures['peer']> {
  log(`systems: the PyTorch peer (${rounds} rounds)`);
  let reason = '';
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const summary = await jsonFromScript<PeerBenchJson>('tools/bench/peer-bench.ts', ['--rounds', String(rounds), '--python', python, '--json'], signal);
      const one = summary.peers.find((peer) => peer.threads === 1);
      if (!one) return { unavailable: 'peer-bench gave no one-thread figures' };
      return { torch: summary.torch, rounds: summary.rounds, sieve: summary.sieve, pytorch: { trainingStep: one.trainingStep, scoringPass: one.scoringPass } };
    } catch (error) {
      if (signal?.aborted) throw error;
      // Exit 2: this interpreter lacks torch, said on the first line of what the bench printed.
      if (!(error instanceof ScriptFailed && error.code === 2)) {
        reason = (error as Error).message;
        break;
      }
      reason = error.stderr.trim().split('\n')[0].replace(/^error: /, '');
    }
  }
  log(`systems: the PyTorch peer not measured: ${reason}`);
  return { unavailable: reason };
}

function meterShareOf(runs: readonly RunRecord[]): SystemsFigures['meterCpuShare'] {
  const fractions = runs.map((run) => run.summary?.meterOverhead?.fraction).filter((f): f is number => typeof f === 'number');
  if (fractions.length === 0) return null;
  return { mean: fractions.reduce((a, b) => a + b, 0) / fractions.length, max: Math.max(...fractions), runs: fractions.length };
}

/** Per selector (its first seed), the points nearest steps 100 and 1,000 (the first and last in a short run). */
function memoryOf(runs: readonly RunRecord[]): SystemsFigures['memory'] {
  const memory: SystemsFigures['memory'] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    if (seen.has(run.selector)) continue;
    seen.add(run.selector);
    const picked = new Set([100, 1000].map((step) => nearest(run, step)));
    for (const point of [...picked].sort((a, b) => a.step - b.step)) {
      memory.push({ selector: run.selector, step: point.step, tensorCount: point.tensorCount, heapUsedBytes: point.heapUsedBytes });
    }
  }
  return memory;
}

function nearest(run: RunRecord, step: number) {
  return run.points.reduce((best, p) => (Math.abs(p.step - step) < Math.abs(best.step - step) ? p : best));
}
