/**
 * The pure parts of the PyTorch peer bench (`peer-bench.ts`): its flags, reading the peer's and
 * the sgemm script's JSON lines, naming the BLAS they loaded, the message where torch is missing,
 * and the summary and table of the rounds.
 */
import { parseArgs } from 'node:util';
import { BACKEND_NAMES } from '@sieve/core';
import type { BackendRequest } from '@sieve/models';
import { median, type Timing } from './timing';

/** Medians of a timed part, in milliseconds (CPU: the whole process, every thread). */

/** What `tools/peers/pytorch/peer_step.py` prints. */
export interface PeerStepResult {
  kind: 'peer-step';
  torch: string;
  numpy: string;
  threads: number;
  torchThreads: number;
  environment: Record<string, string | null>;
  blasLibraries: string[];
  batch: number;
  superBatch: number;
  parameters: number;
  repeats: number;
  trainingStep: Timing;
  scoringPass: Timing;
}

export interface SgemmShape {
  m: number;
  k: number;
  n: number;
  /** The best block. */
  gflops: number;
  medianGflops: number;
}

/** What `tools/peers/pytorch/sgemm_peak.py` prints. */
export interface SgemmResult {
  kind: 'sgemm';
  numpy: string;
  threads: number;
  blasLibraries: string[];
  shapes: SgemmShape[];
}

/** A peer's or a timing script's output that is not what it should be. */
export class PeerOutputError extends Error {}

/** The last line of `stdout` that is a JSON object, parsed; a PeerOutputError naming `what` where none is. */
function lastJsonLine(stdout: string, what: string): Record<string, unknown> {
  const lines = stdout.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('{'));
  const line = lines.at(-1);
  if (line === undefined) throw new PeerOutputError(`${what} printed no JSON line (its output: ${JSON.stringify(stdout.slice(-300))})`);
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new PeerOutputError(`${what} printed a line that is not a JSON object: ${line.slice(0, 300)}`);
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function timingOf(value: unknown, field: string, what: string): Timing {
  const timing = value as Partial<Timing> | undefined;
  if (!timing || !isFiniteNumber(timing.wallMs) || !isFiniteNumber(timing.cpuMs) || timing.wallMs <= 0 || timing.cpuMs < 0) {
    throw new PeerOutputError(`${what}: ${field} needs wallMs above 0 and cpuMs of 0 or more, got ${JSON.stringify(value)}`);
  }
  return { wallMs: timing.wallMs, cpuMs: timing.cpuMs };
}

function requireNumbers(record: Record<string, unknown>, fields: readonly string[], what: string): void {
  for (const field of fields) {
    if (!isFiniteNumber(record[field])) throw new PeerOutputError(`${what}: ${field} should be a number, got ${JSON.stringify(record[field])}`);
  }
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The peer's figures from its output (the last JSON line; warnings may come before it). */
export function parsePeerStepOutput(stdout: string): PeerStepResult {
  const what = 'the PyTorch peer (peer_step.py)';
  const record = lastJsonLine(stdout, what);
  if (record.kind !== 'peer-step') throw new PeerOutputError(`${what}: expected kind "peer-step", got ${JSON.stringify(record.kind)}`);
  requireNumbers(record, ['threads', 'torchThreads', 'batch', 'superBatch', 'parameters', 'repeats'], what);
  return {
    kind: 'peer-step',
    torch: String(record.torch ?? 'unknown'),
    numpy: String(record.numpy ?? 'unknown'),
    threads: record.threads as number,
    torchThreads: record.torchThreads as number,
    environment: (record.environment ?? {}) as Record<string, string | null>,
    blasLibraries: stringList(record.blasLibraries),
    batch: record.batch as number,
    superBatch: record.superBatch as number,
    parameters: record.parameters as number,
    repeats: record.repeats as number,
    trainingStep: timingOf(record.trainingStep, 'trainingStep', what),
    scoringPass: timingOf(record.scoringPass, 'scoringPass', what),
  };
}

/** The sgemm script's figures from its output. */
export function parseSgemmOutput(stdout: string): SgemmResult {
  const what = 'the sgemm measurement (sgemm_peak.py)';
  const record = lastJsonLine(stdout, what);
  if (record.kind !== 'sgemm') throw new PeerOutputError(`${what}: expected kind "sgemm", got ${JSON.stringify(record.kind)}`);
  requireNumbers(record, ['threads'], what);
  if (!Array.isArray(record.shapes) || record.shapes.length === 0) throw new PeerOutputError(`${what}: no shapes measured`);
  const shapes = record.shapes.map((shape: Record<string, unknown>) => {
    requireNumbers(shape, ['m', 'k', 'n', 'gflops', 'medianGflops'], what);
    return { m: shape.m, k: shape.k, n: shape.n, gflops: shape.gflops, medianGflops: shape.medianGflops } as SgemmShape;
  });
  return { kind: 'sgemm', numpy: String(record.numpy ?? 'unknown'), threads: record.threads as number, blasLibraries: stringList(record.blasLibraries), shapes };
}

export type BlasKind = 'openblas-pthread' | 'openblas-openmp' | 'openblas-serial' | 'openblas' | 'mkl' | 'reference' | 'unknown';

/**
 * Which BLAS a process loaded, from the resolved paths of its libraries. Debian installs each
 * OpenBLAS variant in its own folder (`openblas-pthread`, `openblas-openmp`, `openblas-serial`)
 * and the reference BLAS as `blas/libblas.so.3`.
 */
export function blasKindOf(libraries: readonly string[]): BlasKind {
  const paths = libraries.map((path) => path.toLowerCase());
  const has = (test: (path: string) => boolean) => paths.some(test);
  if (has((p) => p.includes('/openblas-pthread/') || /libopenblasp[-.]/.test(p))) return 'openblas-pthread';
  if (has((p) => p.includes('/openblas-openmp/') || /libopenblaso[-.]/.test(p))) return 'openblas-openmp';
  if (has((p) => p.includes('/openblas-serial/'))) return 'openblas-serial';
  if (has((p) => p.includes('openblas'))) return 'openblas';
  if (has((p) => p.includes('mkl'))) return 'mkl';
  if (has((p) => /\/blas\/libblas\.so/.test(p) || /\/libblas\.so/.test(p))) return 'reference';
  return 'unknown';
}

/** The warning to print where the BLAS is not OpenBLAS's pthread build; null where it is. */
export function blasWarning(kind: BlasKind): string | null {
  if (kind === 'openblas-pthread') return null;
  const what =
    kind === 'reference'
      ? 'the reference BLAS (about 10x slower than OpenBLAS)'
      : kind === 'unknown'
        ? 'a BLAS this bench cannot name'
        : `${kind}, not OpenBLAS's pthread build`;
  return (
    `warning: the PyTorch peer runs on ${what}; its figures are not the ones the documentation compares with. ` +
    'On Debian or Ubuntu: apt-get install libopenblas0-pthread (update-alternatives --config libblas.so.3-x86_64-linux-gnu picks it where several are installed).'
  );
}

/** The Debian packages the peer needs. */
export const PEER_PACKAGES = 'python3-torch libopenblas0-pthread python3-numpy';

/**
 * What to say where `python -c 'import torch'` failed. `detail` is why (its last line of stderr);
 * `alternative`, an interpreter found to import torch, is offered as the --python to pass.
 */
export function missingTorchMessage(python: string, detail: string, alternative?: string): string {
  return [
    `error: the PyTorch peer needs python3 with torch, and \`${python} -c 'import torch'\` failed${detail ? ` (${detail})` : ''}.`,
    `  Install it (Debian or Ubuntu): apt-get install ${PEER_PACKAGES}`,
    '  libopenblas0-pthread matters: without it torch and numpy use the reference BLAS, about 10x slower.',
    alternative
      ? `  ${alternative} imports torch: pass --python ${alternative} to use it.`
      : '  Or pass --python PATH naming an interpreter that imports torch.',
    '  Running the peer by hand: set OPENBLAS_NUM_THREADS and OMP_NUM_THREADS to its --threads (for one thread, OPENBLAS_NUM_THREADS=1 as',
    "  well as torch's own count, or OpenBLAS uses every core), and OMP_WAIT_POLICY=PASSIVE on a shared machine; this bench sets all three.",
  ].join('\n');
}

export interface PeerBenchFlags {
  backend: BackendRequest;
  rounds: number;
  repeats: number;
  json: boolean;
  python: string;
  help: boolean;
}

/** A bad flag: the message names it and the fix; the bench exits 2. */
export class FlagError extends Error {}

export const PEER_BENCH_USAGE = [
  'usage: nx run tools:peer-bench [--backend auto] [--rounds 5] [--repeats 20] [--python python3] [--json]',
  '',
  "Alternates rounds of Sieve's training step (b = 128) and scoring pass (N = 640) on the default learner with the",
  'same step in PyTorch on 1 and 2 threads, and measures the sgemm peak through numpy each round.',
  '',
  '  --backend NAME Sieve\'s tensor backend, as for train (default auto: wasm-blas where OpenBLAS loads)',
  '  --rounds N     rounds of Sieve, PyTorch 1 thread, PyTorch 2 threads and sgemm (default 5)',
  '  --repeats N    timed calls per part and round, after 3 untimed (default 20)',
  '  --python PATH  the interpreter with torch and numpy (default python3)',
  '  --json         also print the figures as one JSON line',
].join('\n');

const positiveWhole = (flag: string, text: string, example: number): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(value) || value < 1) {
    throw new FlagError(`error: ${flag} takes a whole number above 0, got ${JSON.stringify(text)}; e.g. ${flag} ${example}`);
  }
  return value;
};

export function parsePeerBenchFlags(args: readonly string[]): PeerBenchFlags {
  let values: { backend?: string; rounds?: string; repeats?: string; json?: boolean; python?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        backend: { type: 'string', default: 'auto' },
        rounds: { type: 'string', default: '5' },
        repeats: { type: 'string', default: '20' },
        python: { type: 'string', default: 'python3' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const problem = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new FlagError(`error: ${problem}\n${PEER_BENCH_USAGE}`);
  }
  const python = values.python ?? 'python3';
  if (python.trim() === '') throw new FlagError('error: --python needs an interpreter, e.g. --python python3');
  const backend = values.backend ?? 'auto';
  if (!(BACKEND_NAMES as readonly string[]).includes(backend)) {
    throw new FlagError(`error: --backend: "${backend}" is not a backend; use one of ${BACKEND_NAMES.join(', ')}`);
  }
  return {
    backend: backend as BackendRequest,
    rounds: positiveWhole('--rounds', values.rounds ?? '5', 5),
    repeats: positiveWhole('--repeats', values.repeats ?? '20', 20),
    json: values.json ?? false,
    python,
    help: values.help ?? false,
  };
}

/** One engine's figures in one round. */
export interface RoundFigures {
  trainingStep: Timing;
  scoringPass: Timing;
}

/** An engine over all rounds: the median of the rounds' medians, with each round kept. */
export interface EngineSummary {
  name: string;
  threads: number;
  trainingStep: Timing;
  scoringPass: Timing;
  /** Matrix-product GFLOP/s at the median wall time. */
  trainingGflops: number;
  scoringGflops: number;
  /** The same as a share of the sgemm peak (1024^3) at its thread count; null where not measured. */
  trainingPeakShare: number | null;
  scoringPeakShare: number | null;
  rounds: RoundFigures[];
}

export interface PeerBenchSummary {
  machine: { cpu: string; cores: number };
  backend: string;
  torch: string;
  numpy: string;
  blas: BlasKind;
  batch: number;
  superBatch: number;
  rounds: number;
  repeats: number;
  /** Matrix-product FLOPs per training step and per scoring pass, as the model counts them. */
  matmulFlops: { trainingStep: number; scoringPass: number };
  sieve: EngineSummary;
  peers: EngineSummary[];
  sgemm: SgemmResult[];
  /** Sieve ÷ PyTorch on one thread (above 1: Sieve takes longer). */
  sieveOverPeer: { trainingStep: Timing; scoringPass: Timing } | null;
}

const medianTiming = (timings: readonly Timing[]): Timing => ({
  wallMs: median(timings.map((t) => t.wallMs)),
  cpuMs: median(timings.map((t) => t.cpuMs)),
});

/**
 * One result per thread count from several measurements (one per round): per shape the best block
 * of all (the peak) and the median of the measurements' medians.
 */
export function combineSgemm(results: readonly SgemmResult[]): SgemmResult[] {
  const byThreads = new Map<number, SgemmResult[]>();
  for (const result of results) byThreads.set(result.threads, [...(byThreads.get(result.threads) ?? []), result]);
  return [...byThreads.entries()]
    .sort(([a], [b]) => a - b)
    .map(([threads, runs]) => ({
      ...runs[0],
      threads,
      shapes: runs[0].shapes.map((shape, i) => {
        const same = runs.map((run) => run.shapes[i]).filter((s) => s && s.m === shape.m && s.k === shape.k && s.n === shape.n);
        return { ...shape, gflops: Math.max(...same.map((s) => s.gflops)), medianGflops: median(same.map((s) => s.medianGflops)) };
      }),
    }));
}

/** The 1024^3 (else the largest measured) sgemm GFLOP/s at `threads`; null where none was measured. */
export function sgemmPeak(sgemm: readonly SgemmResult[], threads: number): number | null {
  const result = sgemm.find((s) => s.threads === threads);
  if (!result || result.shapes.length === 0) return null;
  const largest = [...result.shapes].sort((a, b) => b.m * b.k * b.n - a.m * a.k * a.n)[0];
  return largest.gflops;
}

/** An engine's summary over its rounds. */
export function summariseEngine(
  name: string,
  threads: number,
  rounds: readonly RoundFigures[],
  matmulFlops: { trainingStep: number; scoringPass: number },
  sgemm: readonly SgemmResult[],
): EngineSummary {
  const trainingStep = medianTiming(rounds.map((r) => r.trainingStep));
  const scoringPass = medianTiming(rounds.map((r) => r.scoringPass));
  const trainingGflops = matmulFlops.trainingStep / trainingStep.wallMs / 1e6;
  const scoringGflops = matmulFlops.scoringPass / scoringPass.wallMs / 1e6;
  const peak = sgemmPeak(sgemm, threads);
  return {
    name,
    threads,
    trainingStep,
    scoringPass,
    trainingGflops,
    scoringGflops,
    trainingPeakShare: peak ? trainingGflops / peak : null,
    scoringPeakShare: peak ? scoringGflops / peak : null,
    rounds: [...rounds],
  };
}

/** Sieve's figures divided by the one-thread peer's. */
export function ratiosOf(sieve: EngineSummary, peers: readonly EngineSummary[]): PeerBenchSummary['sieveOverPeer'] {
  const one = peers.find((p) => p.threads === 1);
  if (!one) return null;
  const ratio = (a: Timing, b: Timing): Timing => ({ wallMs: a.wallMs / b.wallMs, cpuMs: a.cpuMs / b.cpuMs });
  return { trainingStep: ratio(sieve.trainingStep, one.trainingStep), scoringPass: ratio(sieve.scoringPass, one.scoringPass) };
}

const fixed = (value: number, digits: number, width: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-').padStart(width);
const percent = (share: number | null, width: number) => (share === null ? '-' : `${Math.round(share * 100)}%`).padStart(width);

/** The summary as a plain-text table. */
export function formatPeerBench(summary: PeerBenchSummary): string {
  const { matmulFlops } = summary;
  const lines = [
    `Sieve's default learner and the PyTorch peer: training step b = ${summary.batch}, scoring pass N = ${summary.superBatch}`,
    `${summary.machine.cpu}, ${summary.machine.cores} cores; Sieve on ${summary.backend}; PyTorch ${summary.torch} on ${summary.blas}`,
    `median of ${summary.rounds} round${summary.rounds === 1 ? '' : 's'}, each the median of ${summary.repeats} calls; ` +
      `matrix products ${(matmulFlops.trainingStep / 1e6).toFixed(1)} M FLOPs per step, ${(matmulFlops.scoringPass / 1e6).toFixed(1)} M per pass (the model's count)`,
    '',
    `${''.padEnd(28)}${'training step'.padEnd(36)}scoring pass`,
    `${''.padEnd(28)}${'ms wall  ms CPU  GFLOP/s  % peak'.padEnd(36)}ms wall  ms CPU  GFLOP/s  % peak`,
  ];
  const row = (engine: EngineSummary) =>
    `${engine.name.padEnd(28)}` +
    `${fixed(engine.trainingStep.wallMs, 2, 7)} ${fixed(engine.trainingStep.cpuMs, 2, 7)} ${fixed(engine.trainingGflops, 1, 8)} ${percent(engine.trainingPeakShare, 7)}`.padEnd(36) +
    `${fixed(engine.scoringPass.wallMs, 2, 7)} ${fixed(engine.scoringPass.cpuMs, 2, 7)} ${fixed(engine.scoringGflops, 1, 8)} ${percent(engine.scoringPeakShare, 7)}`;
  lines.push(row(summary.sieve), ...summary.peers.map(row));
  if (summary.sieveOverPeer) {
    const { trainingStep, scoringPass } = summary.sieveOverPeer;
    const times = (value: number) => `${fixed(value, 2, 6)}x`;
    lines.push(
      `${'Sieve ÷ PyTorch (1 thread)'.padEnd(28)}${`${times(trainingStep.wallMs)} ${times(trainingStep.cpuMs)}`.padEnd(36)}${times(scoringPass.wallMs)} ${times(scoringPass.cpuMs)}`,
    );
  }
  if (summary.sgemm.length > 0) {
    const shapes = summary.sgemm[0].shapes;
    const label = (s: SgemmShape) => (s.m === s.k && s.k === s.n ? `${s.m}³` : `${s.m}x${s.k}x${s.n}`);
    lines.push(
      '',
      `sgemm peak through numpy ${summary.numpy}, GFLOP/s (the best timed block of all rounds); % peak above is of 1024³ at the same thread count`,
      `${''.padEnd(28)}${shapes.map((s) => label(s).padStart(13)).join('')}`,
    );
    for (const result of summary.sgemm) {
      const name = `${result.threads} thread${result.threads === 1 ? '' : 's'}`;
      lines.push(`${name.padEnd(28)}${result.shapes.map((s) => fixed(s.gflops, 1, 13)).join('')}`);
    }
  }
  return lines.join('\n');
}
