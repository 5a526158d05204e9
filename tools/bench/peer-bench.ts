/**
 * The PyTorch peer bench: Sieve's training step (b = 128) and scoring pass (N = 640) on the
 * default learner, side by side with the same model and step in PyTorch
 * (`tools/peers/pytorch/peer_step.py`) on 1 and on 2 threads, in alternating rounds so that a
 * slow spell of the machine hits all three; each round also measures the machine's sgemm peak
 * through numpy (`sgemm_peak.py`) on the dominant shapes and 1024^3, the physical limit of the
 * products (the best block over all rounds is the peak).
 *
 * Prints ms wall and ms CPU (the whole process, every thread) per step and per pass, the matrix
 * products' GFLOP/s (the model's matmul FLOP count over the wall time) and their share of the
 * sgemm peak, and Sieve ÷ PyTorch on one thread. Each peer runs with OPENBLAS_NUM_THREADS and
 * OMP_NUM_THREADS set to its thread count and OMP_WAIT_POLICY=PASSIVE.
 *
 *   nx run tools:peer-bench [--backend auto] [--rounds 5] [--repeats 20] [--python python3] [--json]
 *
 * Needs python3 with torch and numpy; where `import torch` fails it says what to install and
 * exits 2. A benchmark, not a test: CI does not install PyTorch.
 */
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  blasKindOf,
  blasWarning,
  combineSgemm,
  FlagError,
  formatPeerBench,
  missingTorchMessage,
  parsePeerBenchFlags,
  parsePeerStepOutput,
  parseSgemmOutput,
  PEER_BENCH_USAGE,
  PeerOutputError,
  ratiosOf,
  summariseEngine,
  type PeerBenchSummary,
  type PeerStepResult,
  type RoundFigures,
  type SgemmResult,
} from './peer';

const PEER_DIR = join(import.meta.dirname, '..', 'peers', 'pytorch');
const PEER_THREADS = [1, 2] as const;
/** Debian's own interpreter, offered where the one on PATH (a pyenv or a venv) lacks torch. */
const SYSTEM_PYTHON = '/usr/bin/python3';

let flags;
try {
  flags = parsePeerBenchFlags(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof FlagError)) throw error;
  console.error(error.message);
  process.exit(2);
}
if (flags.help) {
  console.log(PEER_BENCH_USAGE);
  process.exit(0);
}
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
const { python, rounds, repeats, backend } = flags;

/** Why `python -c 'import torch'` fails, or null where it imports. */
async function torchProblem(interpreter: string): Promise<string | null> {
  const probe = await execa(interpreter, ['-c', 'import torch'], { reject: false, timeout: 120_000 });
  if (probe.exitCode === 0) return null;
  if ((probe as { code?: string }).code === 'ENOENT') return `${interpreter} not found`;
  return probe.stderr.trim().split('\n').at(-1) || (probe.shortMessage ?? 'it failed');
}

const problem = await torchProblem(python);
if (problem !== null) {
  const alternative = python !== SYSTEM_PYTHON && (await torchProblem(SYSTEM_PYTHON)) === null ? SYSTEM_PYTHON : undefined;
  console.error(missingTorchMessage(python, problem, alternative));
  process.exit(2);
}

const peerEnvironment = (threads: number) => ({
  OPENBLAS_NUM_THREADS: String(threads),
  OMP_NUM_THREADS: String(threads),
  OMP_WAIT_POLICY: 'PASSIVE',
  PYTHONDONTWRITEBYTECODE: '1',
});

/** Runs one of the peer's scripts and returns its stdout; exits 1 with its stderr where it fails. */
async function runPython(script: string, args: string[], threads: number): Promise<string> {
  const run = await execa(python, [join(PEER_DIR, script), ...args], { env: peerEnvironment(threads), reject: false });
  if (run.exitCode !== 0) {
    console.error(`error: ${script} --threads ${threads} failed (${run.shortMessage})\n${run.stderr}`);
    process.exit(run.exitCode === 2 ? 2 : 1);
  }
  if (run.stderr.trim()) console.error(run.stderr.trim());
  return run.stdout;
}

const { createDefaultLearner } = await import('./default-learner');
const { measure } = await import('./timing');
const bench = await createDefaultLearner(128, 640, backend);
const { config, spec, learner, batchSize, superBatchSize } = bench;
const { learningRate } = config.optimizer;
const { flopCounts } = learner;
const matmulFlops = {
  trainingStep: flopCounts.trainStep(batchSize).matmul,
  scoringPass:
    flopCounts.embedImages(superBatchSize, 'fine').matmul +
    flopCounts.embedTexts(superBatchSize).matmul +
    flopCounts.pairwiseLosses(superBatchSize, superBatchSize, spec.embeddingDim).matmul,
};

const peerArgs = (threads: number) =>
  [
    ['--threads', threads],
    ['--batch', batchSize],
    ['--super-batch', superBatchSize],
    ['--pixels', bench.pixels],
    ['--hidden', spec.hiddenDim],
    ['--embedding', spec.embeddingDim],
    ['--text-embedding', spec.textEmbeddingDim],
    ['--vocabulary', spec.vocabularySize],
    ['--max-tokens', spec.maxTokens],
    ['--learning-rate', learningRate],
    ['--repeats', repeats],
    ['--warmup', 3],
  ].flatMap(([flag, value]) => [String(flag), String(value)]);

async function sieveRound(): Promise<RoundFigures> {
  const trainingStep = await measure(repeats, bench.chosenBatch, (b) => learner.trainStep({ images: b.images, tokens: b.tokens, count: batchSize }, learningRate));
  const scoringPass = await measure(repeats, bench.prepared, (b) => learner.pairwiseLosses(b.images, b.tokens, superBatchSize));
  return { trainingStep, scoringPass };
}

let firstPeer: PeerStepResult | null = null;
async function peerRound(threads: number): Promise<RoundFigures> {
  let result: PeerStepResult;
  try {
    result = parsePeerStepOutput(await runPython('peer_step.py', peerArgs(threads), threads));
  } catch (error) {
    if (!(error instanceof PeerOutputError)) throw error;
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  if (result.parameters !== learner.parameterCount()) {
    console.error(`error: the PyTorch peer's model has ${result.parameters} parameters and Sieve's learner ${learner.parameterCount()}: their shapes differ`);
    process.exit(1);
  }
  if (!firstPeer) {
    firstPeer = result;
    const warning = blasWarning(blasKindOf(result.blasLibraries));
    if (warning) console.error(warning);
  }
  return { trainingStep: result.trainingStep, scoringPass: result.scoringPass };
}

async function sgemmRound(threads: number): Promise<SgemmResult> {
  try {
    return parseSgemmOutput(await runPython('sgemm_peak.py', ['--threads', String(threads)], threads));
  } catch (error) {
    if (!(error instanceof PeerOutputError)) throw error;
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
}

const sieveRounds: RoundFigures[] = [];
const peerRounds = new Map<number, RoundFigures[]>(PEER_THREADS.map((t) => [t, []]));
const sgemmRounds: SgemmResult[] = [];
const threadsText = (threads: number) => `${threads} thread${threads === 1 ? '' : 's'}`;
for (let round = 0; round < rounds; round++) {
  // Odd rounds run the peers first, so that neither side always follows the other.
  const order: Array<'sieve' | number> = round % 2 === 0 ? ['sieve', ...PEER_THREADS] : [...PEER_THREADS, 'sieve'];
  for (const engine of order) {
    console.error(`round ${round + 1}/${rounds}: ${engine === 'sieve' ? 'Sieve' : `PyTorch on ${threadsText(engine)}`}`);
    if (engine === 'sieve') sieveRounds.push(await sieveRound());
    else peerRounds.get(engine)?.push(await peerRound(engine));
  }
  // The peak is measured every round too: on a shared or virtual machine one measurement can miss it.
  for (const threads of PEER_THREADS) {
    console.error(`round ${round + 1}/${rounds}: sgemm on ${threadsText(threads)}`);
    sgemmRounds.push(await sgemmRound(threads));
  }
}
learner.dispose();
const sgemm = combineSgemm(sgemmRounds);

const peer = firstPeer as PeerStepResult | null;
const sieve = summariseEngine(`Sieve (${bench.backend}, 1 thread)`, 1, sieveRounds, matmulFlops, sgemm);
const peers = PEER_THREADS.map((threads) =>
  summariseEngine(`PyTorch (${threadsText(threads)})`, threads, peerRounds.get(threads) ?? [], matmulFlops, sgemm),
);
const summary: PeerBenchSummary = {
  machine: { cpu: cpus()[0]?.model.trim() ?? 'unknown CPU', cores: availableParallelism() },
  backend: bench.backend,
  torch: peer?.torch ?? 'unknown',
  numpy: sgemm[0]?.numpy ?? 'unknown',
  blas: blasKindOf(peer?.blasLibraries ?? []),
  batch: batchSize,
  superBatch: superBatchSize,
  rounds,
  repeats,
  matmulFlops,
  sieve,
  peers,
  sgemm,
  sieveOverPeer: ratiosOf(sieve, peers),
};
console.log(formatPeerBench(summary));
if (flags.json) console.log(JSON.stringify(summary));
