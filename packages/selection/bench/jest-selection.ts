// Selection cost (docs/benchmark-protocol.md, "Systems figures"): the median time of one JEST selection
// (joint sampling, sample mode, n = 16 chunks) on a random score matrix, at N = 1,280, b = 256
// and at 2x and 4x both, with the growth from one size to the next. The joint sampler does
// O(N * b) work, so doubling both should cost about 4x; more than that is memory traffic
// (the N x N matrix outgrows the caches).
//
// Run: npx tsx packages/selection/bench/jest-selection.ts [--json]   (or: npx nx run selection:bench)
import { cpus } from 'node:os';
import { Rng } from '@sieve/core';
import { jointSample } from '../src/joint-sample';
import { scoreMatrixFromLosses } from '../src/score-matrix';
import type { LossMatrix } from '@sieve/core';

const CHUNKS = 16;
const SIZES = [
  { superBatchSize: 1280, batchSize: 256 },
  { superBatchSize: 2560, batchSize: 512 },
  { superBatchSize: 5120, batchSize: 1024 },
];
const WARMUP_RUNS = 5;
const TIMED_RUNS = 31;
const BUDGET_MS = 5;

function medianMs(run: () => void): number {
  for (let i = 0; i < WARMUP_RUNS; i++) run();
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[TIMED_RUNS >> 1];
}

function randomLosses(rng: Rng, size: number): LossMatrix {
  const values = new Float32Array(size * size);
  for (let i = 0; i < values.length; i++) values[i] = 5 * rng.nextFloat();
  return { kind: 'pairwise', size, values };
}

const json = process.argv.includes('--json');
// Human-readable lines, unless --json asks for one line of JSON at the end.
const say = (line: string) => {
  if (!json) console.log(line);
};
say(`JEST selection cost, sample mode, n = ${CHUNKS} chunks; median of ${TIMED_RUNS} runs`);
say(`${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`);
say('     N      b   select ms  growth   S + select ms  growth');
const results: { superBatchSize: number; batchSize: number; selectMilliseconds: number; withScoreMatrixMilliseconds: number }[] = [];

const rng = new Rng(1);
let previous: { select: number; withMatrix: number } | undefined;
let baseSelectMs = NaN;
for (const { superBatchSize: N, batchSize: b } of SIZES) {
  const learner = randomLosses(rng, N);
  const reference = randomLosses(rng, N);
  const S = scoreMatrixFromLosses('learnability', learner, reference);
  // The selection proper, on S.
  const select = medianMs(() => jointSample(S.values, N, b, CHUNKS, { mode: 'sample', rng }));
  // What the jest selector does per step once the losses are in hand: build S, then select.
  const withMatrix = medianMs(() => {
    const matrix = scoreMatrixFromLosses('learnability', learner, reference);
    jointSample(matrix.values, N, b, CHUNKS, { mode: 'sample', rng });
  });
  if (Number.isNaN(baseSelectMs)) baseSelectMs = select;
  const growth = (now: number, before?: number) => (before ? `${(now / before).toFixed(2)}x` : '-').padStart(7);
  results.push({ superBatchSize: N, batchSize: b, selectMilliseconds: select, withScoreMatrixMilliseconds: withMatrix });
  say(
    `${String(N).padStart(6)} ${String(b).padStart(6)} ${select.toFixed(2).padStart(11)} ${growth(select, previous?.select)}` +
      ` ${withMatrix.toFixed(2).padStart(15)} ${growth(withMatrix, previous?.withMatrix)}`,
  );
  previous = { select, withMatrix };
}
if (json) console.log(JSON.stringify(results));
say(
  `\nBase selection (N = 1280, b = 256): ${baseSelectMs.toFixed(2)} ms, ` +
    (baseSelectMs < BUDGET_MS ? `under the ${BUDGET_MS} ms budget.` : `OVER the ${BUDGET_MS} ms budget.`),
);
